// Errors of the core library and the process exit codes they map to.
//
// The core reports every failure by throwing kvonce::Error; the CLI has the one catch that turns
// it into a message on stderr and an exit code. An Error's message already says what is wrong and
// where (file, byte offset, line, span), so callers add context only at seams.
#pragma once

#include <stdexcept>
#include <string>

namespace kvonce {

// Process exit codes. Documented in README.md and in `kvonce-trace --help`; scripts rely on them.
enum class ExitCode : int {
  ok = 0,          // conformant / step succeeded
  violations = 1,  // the trace violates the rules (verify), or a report shows an invalid mode
  no_events = 2,   // the payload holds no KvOnce events
  usage = 3,       // bad command line
  input = 4,       // unreadable, malformed or corrupt input
  limit = 5,       // a size limit was exceeded (decompressed bytes, download size, string size)
  output = 6,      // an output file could not be written
  fetch = 7,       // a network/HTTP/service failure while fetching or posting
  auth = 8,        // credentials missing, rejected or expired
  integrity = 9,   // the payload's SHA-256 differs from --expect-sha256
  internal = 10,   // a bug: please report it
  // `receive -- COMMAND`: the command failed and the trace it sent conforms (a verdict, like 0-2:
  // only the commands that can end so show it in their help)
  command_failed = 11,
};

enum class ErrorKind { usage, input, no_events, limit, output, fetch, auth, integrity, internal };

ExitCode exit_code_for(ErrorKind kind);
const char* to_string(ErrorKind kind);

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
  ErrorKind kind() const { return kind_; }

 private:
  ErrorKind kind_;
};

[[noreturn]] inline void fail(ErrorKind kind, const std::string& message) {
  throw Error(kind, message);
}

}  // namespace kvonce

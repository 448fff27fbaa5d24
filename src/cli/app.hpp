// The command line: parses argv into the core's options structs and runs one step.
#pragma once

#include <functional>
#include <memory>
#include <ostream>

#include "kvonce/net/http.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::cli {

// What a run takes from the world outside argv, made once at the root and passed down, so every
// subcommand runs in-process in tests with a fake environment and transport.
struct Host {
  Environment env;
  // Makes the HTTP transport for one command, under the outbound policy it was given.
  std::function<std::unique_ptr<net::HttpTransport>(const net::OutboundPolicy&)> transport;
  // Whether file descriptor 1 (stdout) or 2 (stderr) is a terminal: colour is decided from it.
  // Tests say what they want; none by default.
  std::function<bool(int fd)> is_terminal = [](int) { return false; };
};

// The real process: its environment, the libcurl transport and its terminals.
Host process_host();

// Runs kvonce-trace with these arguments; returns the process exit code (see ExitCode). Every
// error is reported on `err`; nothing escapes as an exception.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err, const Host& host);

}  // namespace kvonce::cli

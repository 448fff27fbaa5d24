// The command line: parses argv into the core's options structs and runs one step.
#pragma once

#include <functional>
#include <memory>
#include <ostream>

#include "kvonce/net/http.hpp"
#include "kvonce/util/clock.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::cli {

// What a run takes from the world outside argv, made once at the root and passed down, so every
// subcommand runs in-process in tests with a fake environment, transport, clock and streams.
struct Host {
  Environment env;
  // Makes the HTTP transport for one command, under the outbound policy it was given.
  std::function<std::unique_ptr<net::HttpTransport>(const net::OutboundPolicy&)> transport;
  Clock clock;        // every time a command stamps into an output or a request
  std::ostream& out;  // what a command prints: summaries, Markdown, report lines
  std::ostream& err;  // errors, warnings, progress
  // Whether file descriptor 1 (out) or 2 (err) is a terminal: colour and the batch progress bar
  // are decided from it. Tests say what they want; none by default.
  std::function<bool(int fd)> is_terminal = [](int) { return false; };
};

// The real process's environment, the libcurl transport, the system clock and its terminals,
// printing to `out` and `err` (main passes std::cout and std::cerr).
Host process_host(std::ostream& out, std::ostream& err);

// Runs kvonce-trace with these arguments; returns the process exit code (see ExitCode). Every
// error is reported on host.err; nothing escapes as an exception.
int run(int argc, const char* const* argv, const Host& host);

}  // namespace kvonce::cli

// The command line: parses argv into the core's options structs and runs one step.
#pragma once

#include <ostream>

namespace kvonce::cli {

// Runs kvonce-trace with these arguments; returns the process exit code (see ExitCode). Every
// error is reported on `err`; nothing escapes as an exception.
int run(int argc, const char* const* argv, std::ostream& out, std::ostream& err);

}  // namespace kvonce::cli

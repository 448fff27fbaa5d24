// The exit codes as README.md documents them, and the "Exit codes:" footer every command's help
// ends with, built from them so help and README cannot drift (tests/unit/test_cli_help.cpp checks
// both).
#pragma once

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "kvonce/util/error.hpp"

namespace kvonce::cli {

struct ExitCodeRow {
  ExitCode code;
  std::string_view meaning;  // README.md's meaning starts with this text
};

inline constexpr std::array<ExitCodeRow, 12> kExitCodeTable = {{
    {ExitCode::ok, "success; the trace conforms"},
    {ExitCode::violations, "the trace violates the rules (or a report shows an invalid mode)"},
    {ExitCode::no_events, "the payload holds no KvOnce events"},
    {ExitCode::usage, "usage error"},
    {ExitCode::input, "unreadable, malformed or corrupt input"},
    {ExitCode::limit, "a size limit was exceeded"},
    {ExitCode::output, "an output file, or standard output, could not be written"},
    {ExitCode::fetch, "fetch or API failure (network, HTTP status)"},
    {ExitCode::auth, "credentials missing, rejected or expired"},
    {ExitCode::integrity, "the payload's SHA-256 differs from the expected one"},
    {ExitCode::internal, "internal error (a bug: please report it)"},
    {ExitCode::command_failed, "the command `receive` ran failed, and the trace it sent conforms"},
}};

constexpr bool codes_in_order() {
  for (std::size_t i = 0; i < kExitCodeTable.size(); ++i) {
    if (static_cast<std::size_t>(kExitCodeTable[i].code) != i) return false;
  }
  return true;
}
static_assert(codes_in_order(), "one row per exit code, 0 to 11");

// What a command says about one of its exit codes; an empty meaning is the documented one.
struct ExitCodeNote {
  ExitCode code;
  std::string_view meaning = {};
};

// Whether any command can end with `code` (an error, 3 to 10), or only those that note it (the
// verdicts 0 to 2, and 11 of `receive`).
constexpr bool is_error_code(ExitCode code) {
  return code >= ExitCode::usage && code <= ExitCode::internal;
}

// "Exit codes:" and one line per code: the verdicts the command notes, then every error code
// from 3 to 10 (each error can end any command), in the command's words where it notes them.
std::string exit_codes_footer(std::initializer_list<ExitCodeNote> notes);

// Sets the command's help footer: `text` (may be empty), then exit_codes_footer(notes).
void set_footer(CLI::App& cmd, std::string_view text, std::initializer_list<ExitCodeNote> notes);

}  // namespace kvonce::cli

// Every command's --help: ends with its exit codes (built from the one table README.md documents)
// and shows placeholders, not CLI11's validator internals.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/exit_codes.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

std::vector<std::string> split_words(const std::string& command) {
  std::vector<std::string> out;
  std::istringstream in(command);
  for (std::string word; in >> word;) out.push_back(word);
  return out;
}

std::string help_of(const std::string& command) {
  std::vector<std::string> args = split_words(command);
  args.push_back("--help");
  const CliResult r = run_cli(args);
  INFO(command << ": " << r.err);
  CHECK(r.exit_code == 0);
  return r.out;
}

// The names listed under "Subcommands:" of a help text.
std::vector<std::string> subcommands_in(const std::string& help) {
  std::vector<std::string> out;
  std::istringstream in(help);
  bool inside = false;
  for (std::string line; std::getline(in, line);) {
    if (line == "Subcommands:" || line == "SUBCOMMANDS:") {
      inside = true;
    } else if (inside && line.rfind("  ", 0) == 0) {
      out.push_back(split_words(line).front());
    } else {
      inside = false;
    }
  }
  return out;
}

// "" (the top level) and every subcommand, nested ones as "batch merge".
std::vector<std::string> all_commands() {
  std::vector<std::string> commands = {""};
  for (std::size_t i = 0; i < commands.size(); ++i) {
    for (const std::string& sub : subcommands_in(help_of(commands[i]))) {
      commands.push_back(commands[i].empty() ? sub : commands[i] + " " + sub);
    }
  }
  return commands;
}

std::string line_of(const cli::ExitCodeRow& row) {
  const std::string code = std::to_string(static_cast<int>(row.code));
  return "  " + code + (code.size() < 2 ? "  " : " ");
}

}  // namespace

TEST_CASE("every command's help ends with its exit codes and shows no validator internals") {
  const std::vector<std::string> commands = all_commands();
  CHECK(std::find(commands.begin(), commands.end(), "batch merge") != commands.end());
  CHECK(std::find(commands.begin(), commands.end(), "completion") != commands.end());
  CHECK(std::find(commands.begin(), commands.end(), "receive") != commands.end());
  for (const std::string& command : commands) {
    CAPTURE(command);
    const std::string help = help_of(command);
    const auto codes = help.rfind("\nExit codes:\n");
    REQUIRE(codes != std::string::npos);
    // After the heading: one line per code and nothing else; every error code is there.
    std::istringstream tail(help.substr(codes + 14));
    std::vector<std::string> lines;
    for (std::string line; std::getline(tail, line);) lines.push_back(line);
    REQUIRE_FALSE(lines.empty());
    for (const cli::ExitCodeRow& row : cli::kExitCodeTable) {
      if (!cli::is_error_code(row.code)) continue;
      CAPTURE(line_of(row));
      CHECK(std::any_of(lines.begin(), lines.end(),
                        [&](const std::string& l) { return l.rfind(line_of(row), 0) == 0; }));
    }
    // The last error code closes the list, or receive's 11 after it.
    const bool ends_with_internal = lines.back().rfind(line_of(cli::kExitCodeTable[10]), 0) == 0;
    const bool ends_with_command_failed =
        lines.back().rfind(line_of(cli::kExitCodeTable.back()), 0) == 0;
    CHECK((ends_with_internal || ends_with_command_failed));
    CHECK(ends_with_command_failed == (command == "" || command == "receive"));
    for (const char* internal : {"INT:", "FLOAT:", "ENUM:", "TEXT:", " in [", "UINT", "POSITIVE",
                                 "NONNEGATIVE", " TEXT", "BOOLEAN"}) {
      CAPTURE(internal);
      CHECK(help.find(internal) == std::string::npos);
    }
  }
}

TEST_CASE("the top-level help lists every exit code as README.md documents it") {
  const std::string help = help_of("");
  const std::string readme = read_file(std::string(KVONCE_SOURCE_DIR) + "/README.md");
  for (const cli::ExitCodeRow& row : cli::kExitCodeTable) {
    const std::string code = std::to_string(static_cast<int>(row.code));
    CAPTURE(code);
    CHECK(help.find(line_of(row) + std::string(row.meaning) + "\n") != std::string::npos);
    CHECK(readme.find("\n| " + code + " | " + std::string(row.meaning)) != std::string::npos);
  }
}

TEST_CASE("help: prepare is described by the forms it reads") {
  const std::string help = help_of("");
  const std::size_t at = help.find("\n  prepare ");
  REQUIRE(at != std::string::npos);
  const std::string line = help.substr(at, help.find('\n', at + 1) - at);
  CHECK_THAT(line, !Catch::Contains("(plain, gzip, JSON Lines)"));
  for (const char* form : {"OTLP JSON", "protobuf", "Collector", "gzip", "zstd"})
    CHECK_THAT(line, Catch::Contains(form));
}

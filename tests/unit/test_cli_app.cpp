// The CLI's root: what it takes from outside argv comes through cli::Host only.
#include <filesystem>
#include <sstream>
#include <streambuf>

#include <catch2/catch.hpp>
#include <stdlib.h>

#include "cli/app.hpp"
#include "support/test_support.hpp"

using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

// Sets a variable of the test process itself for one scope.
struct ProcessVariable {
  ProcessVariable(const char* name, const std::string& value) : name_(name) {
    ::setenv(name, value.c_str(), 1);
  }
  ~ProcessVariable() { ::unsetenv(name_); }
  const char* name_;
};

}  // namespace

TEST_CASE("cli: an in-process run sees the environment it is given, not the process's") {
  TempDir dir;
  const fs::path real_summary = dir / "real-summary.md";
  const ProcessVariable summary("GITHUB_STEP_SUMMARY", real_summary.string());
  const ProcessVariable payload("KVONCE_OTLP_PAYLOAD", (dir / "no-such-payload.json").string());

  SECTION("the process's variables are not read") {
    const auto r = run_cli({"run", "--trace-dir", (dir / "t").string()});
    CHECK(r.exit_code == 0);  // the embedded sample, not the missing payload
    CHECK_THAT(r.out, Catch::Contains("embedded:"));
    CHECK_FALSE(fs::exists(real_summary));
  }
  SECTION("the given variables are") {
    const fs::path given = dir / "given-summary.md";
    const auto r = run_cli({"run", "--trace-dir", (dir / "t").string()},
                           {{"GITHUB_STEP_SUMMARY", given.string()}});
    CHECK(r.exit_code == 0);
    CHECK_THAT(read_file(given), Catch::Contains("KvOnce"));
    CHECK_FALSE(fs::exists(real_summary));
  }
}

namespace {

// A stream buffer that refuses every byte, as a full disk or a closed pipe does.
struct RefusingBuffer : std::streambuf {
  int overflow(int) override { return traits_type::eof(); }
  std::streamsize xsputn(const char*, std::streamsize) override { return 0; }
};

}  // namespace

TEST_CASE("cli: a summary that cannot reach standard output is exit 6 with a message") {
  TempDir dir;
  RefusingBuffer refusing;
  std::ostream out(&refusing);
  std::ostringstream err;
  const std::string input = test_data("kvonce-otlp.json");
  const std::string outputs = (dir / "v").string();
  const char* argv[] = {"kvonce-trace", "verify", "-i", input.c_str(), "-d", outputs.c_str()};
  const kvonce::cli::Host host{
      [](const std::string&) -> std::optional<std::string> { return std::nullopt; }, nullptr};
  CHECK(kvonce::cli::run(6, argv, out, err, host) == 6);
  CHECK_THAT(err.str(), Catch::Contains("standard output: write failed"));
}

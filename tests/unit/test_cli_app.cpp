// The CLI's root: what it takes from outside argv comes through cli::Host only.
#include <filesystem>
#include <optional>
#include <sstream>
#include <streambuf>
#include <string>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
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
      [](const std::string&) -> std::optional<std::string> { return std::nullopt; }, nullptr,
      kvonce::system_clock(), out, err};
  CHECK(kvonce::cli::run(6, argv, host) == 6);
  CHECK_THAT(err.str(), Catch::Contains("standard output: write failed"));
}

namespace {

// The process's transport, an empty environment, the given streams and a fixed time.
kvonce::cli::Host fixed_host(std::ostream& out, std::ostream& err, const std::string& now) {
  kvonce::cli::Host host = kvonce::cli::process_host(out, err);
  host.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  host.clock = [at = instant(now)] { return at; };
  return host;
}

int run_in_process(std::vector<std::string> args, const kvonce::cli::Host& host) {
  args.insert(args.begin(), "kvonce-trace");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  return kvonce::cli::run(static_cast<int>(argv.size()), argv.data(), host);
}

}  // namespace

TEST_CASE("cli: the host's clock stamps what a command writes") {
  TempDir dir;
  std::ostringstream out, err;
  const auto host = fixed_host(out, err, "2031-07-08T09:10:11.123Z");
  const std::string trace = (dir / "t").string();
  REQUIRE(run_in_process({"run", "--trace-dir", trace}, host) == 0);
  for (const char* mode : {"otlp", "ndjson"}) {
    INFO(mode);
    const auto validation =
        nlohmann::json::parse(read_file(fs::path(trace) / mode / "kvonce-validation.json"));
    CHECK(validation["generatedAt"] == "2031-07-08T09:10:11.123Z");
    const auto projection =
        nlohmann::json::parse(read_file(fs::path(trace) / mode / "kvonce-projection.json"));
    CHECK(projection["generatedAt"] == "2031-07-08T09:10:11.123Z");
  }
  const auto metadata =
      nlohmann::json::parse(read_file(fs::path(trace) / "kvonce-payload-metadata.json"));
  CHECK(metadata["fetchedAt"] == "2031-07-08T09:10:11.123Z");
}

TEST_CASE("cli: a command prints through the host's streams") {
  TempDir dir;
  std::ostringstream out, err;
  const auto host = fixed_host(out, err, "2031-07-08T09:10:11.123Z");
  SECTION("the summary on out") {
    const std::string input = test_data("kvonce-otlp.json");
    CHECK(run_in_process({"verify", "-i", input, "-d", (dir / "v").string()}, host) == 1);
    CHECK_THAT(out.str(), Catch::StartsWith("verify: INVALID (otlp input"));
    CHECK(err.str().empty());
  }
  SECTION("an error on err") {
    CHECK(run_in_process(
              {"verify", "-i", (dir / "absent.json").string(), "-d", (dir / "v").string()}, host) ==
          4);
    CHECK(out.str().empty());
    CHECK_THAT(err.str(),
               Catch::StartsWith("kvonce-trace: input error: ") && Catch::Contains("absent.json"));
  }
}

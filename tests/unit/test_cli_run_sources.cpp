// Which payload `run` and `fetch` take in GitHub Actions (an empty source variable is a mistake,
// the embedded sample is verified only when asked for, and named), and what run records of it.
#include <filesystem>
#include <map>
#include <string>
#include <tuple>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/io/hashed_input.hpp"

#include "support/test_support.hpp"

using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

const char* const kSourceVariables[] = {"KVONCE_OTLP_PAYLOAD", "KVONCE_PAYLOAD_ARTIFACT",
                                        "KVONCE_OTLP_PAYLOAD_URL", "KVONCE_OTLP_S3_URI"};

std::map<std::string, std::string> in_actions(const TempDir& dir) {
  return {{"GITHUB_ACTIONS", "true"},
          {"GITHUB_STEP_SUMMARY", (dir / "summary.md").string()},
          {"GITHUB_OUTPUT", (dir / "outputs.txt").string()}};
}

}  // namespace

TEST_CASE("run in GitHub Actions: a source variable set but empty is exit 3 naming it") {
  for (const char* name : kSourceVariables) {
    TempDir dir;
    auto env = in_actions(dir);
    env[name] = "";  // an empty secret (a fork's pull request), or a mistyped input
    const auto r = run_cli({"run", "--trace-dir", (dir / "t").string()}, env);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(std::string(name) + " is set but empty"));
    CHECK_FALSE(fs::exists(dir / "outputs.txt"));  // no verdict, no valid=true
    CHECK_FALSE(fs::exists(dir / "t" / "otlp"));
    // fetch applies the same rule.
    const auto f = run_cli({"fetch", "--target", (dir / "p.json").string()}, env);
    CHECK(f.exit_code == 3);
    CHECK_THAT(f.err, Catch::Contains(std::string(name) + " is set but empty"));
  }
}

TEST_CASE("run in GitHub Actions: an empty source variable is refused whichever source wins") {
  TempDir dir;
  const std::string payload = test_data("kvonce-otlp.json");
  auto env = in_actions(dir);
  env["KVONCE_OTLP_PAYLOAD_URL"] = "";
  CHECK(run_cli({"run", "-i", payload, "--trace-dir", (dir / "t").string()}, env).exit_code == 3);
  CHECK(run_cli({"run", "--sample", "--trace-dir", (dir / "t").string()}, env).exit_code == 3);
}

TEST_CASE("run in GitHub Actions: the embedded sample only when asked for") {
  TempDir dir;
  const auto env = in_actions(dir);
  SECTION("no source at all: exit 3, saying how to name one") {
    const auto r = run_cli({"run", "--trace-dir", (dir / "t").string()}, env);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("no payload source given") && Catch::Contains("--sample"));
    CHECK_FALSE(fs::exists(dir / "outputs.txt"));
    CHECK(run_cli({"fetch", "--target", (dir / "p.json").string()}, env).exit_code == 3);
  }
  SECTION("--sample: verified, and every report says it was the sample") {
    const auto r = run_cli({"run", "--sample", "--trace-dir", (dir / "t").string()}, env);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Catch::Contains("fetched sample embedded:"));
    CHECK_THAT(read_file(dir / "summary.md"),
               Catch::Contains("**the embedded sample** (not a payload of this project)"));
    CHECK_THAT(read_file(dir / "t" / "kvonce-pr-comment.md"),
               Catch::Contains("Payload: **the embedded sample** (not a payload of this project)"));
    CHECK(run_cli({"fetch", "--sample", "--target", (dir / "p.json").string()}, env).exit_code ==
          0);
  }
  SECTION("--sample with --input or another source flag is a usage error") {
    const std::string payload = test_data("kvonce-otlp.json");
    CHECK(run_cli({"run", "--sample", "-i", payload, "--trace-dir", (dir / "t").string()}, env)
              .exit_code == 3);
    const auto r = run_cli({"fetch", "--sample", "--url", "https://example.test/p.json", "--target",
                            (dir / "p.json").string()},
                           env);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("--url, --sample"));
  }
  SECTION("a named payload is verified, and the report does not speak of the sample") {
    auto named = env;
    named["KVONCE_OTLP_PAYLOAD"] = test_data("kvonce-otlp.json");
    named["GITHUB_STEP_SUMMARY"] = "";  // other variables: empty is still unset
    const auto r = run_cli({"run", "--trace-dir", (dir / "t").string()}, named);
    CHECK(r.exit_code == 1);  // a verdict on that payload (invalid), not a refusal
    CHECK_THAT(read_file(dir / "t" / "kvonce-pr-comment.md"),
               !Catch::Contains("embedded sample") && Catch::Contains("Payload: env-file"));
    CHECK_FALSE(fs::exists(dir / "summary.md"));
  }
}

TEST_CASE("run outside GitHub Actions: the sample by default, empty variables unset") {
  TempDir dir;
  const std::map<std::string, std::string> env{{"KVONCE_OTLP_PAYLOAD_URL", ""},
                                               {"GITHUB_ACTIONS", "false"}};
  const auto r = run_cli({"run", "--trace-dir", (dir / "t").string()}, env);
  CHECK(r.exit_code == 0);
  CHECK_THAT(read_file(dir / "t" / "kvonce-pr-comment.md"),
             Catch::Contains("**the embedded sample**"));
}

TEST_CASE("run -i: the metadata gives the digest and size of the very bytes it read") {
  TempDir dir;
  // Trailing white space the reader never needs to read.
  const std::string text = otlp_doc({kv_span(1760000000000000000ULL, "success", "k")}) + "\n\n";
  for (const auto& [name, bytes, encoding] :
       {std::tuple<std::string, std::string, std::string>{"p.json", text, "identity"},
        {"p.json.gz", kvonce::io::gzip_compress(text), "gzip"}}) {
    const fs::path file = dir / name;
    write_file(file, bytes);
    const fs::path trace = dir / ("t-" + name);
    const auto r = run_cli({"run", "-i", file.string(), "--trace-dir", trace.string()}, {});
    REQUIRE(r.exit_code <= 1);  // a verdict
    const auto meta = nlohmann::json::parse(read_file(trace / "kvonce-payload-metadata.json"));
    std::uint64_t size = 0;
    CHECK(meta["sha256"] == kvonce::io::sha256_of_file(file.string(), size));
    CHECK(meta["sizeBytes"] == bytes.size());
    CHECK(meta["contentEncoding"] == encoding);
  }
}

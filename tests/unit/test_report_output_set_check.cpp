// Which verdicts report takes as the payload's: an ndjson mode tied to the otlp mode through its
// events file or prepare's source record; validations without a record; verdicts judged again
// with --metadata-for; and what verify and run leave when they fail (in-process CLI runs).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/crypto/crypto.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// report with its documents inside `dir` (never the job's own).
CliResult report_on(const TempDir& dir, const fs::path& trace,
                    std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"report",
                                "--trace-dir",
                                trace.string(),
                                "--step-summary",
                                (dir / "summary.md").string(),
                                "--github-output",
                                (dir / "out.txt").string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli(args);
}

std::string sha256_of(const fs::path& file) {
  return crypto::sha256_hex(read_file(file));
}

// A validation as a pull request could commit it: valid, with the payload's digest when given.
std::string planted_validation(const std::optional<std::string>& payload_sha256) {
  json v = {{"profile", "spec"}, {"maxRetries", 3}, {"order", "time"},        {"valid", true},
            {"eventCount", 4},   {"keyCount", 2},   {"issues", json::array()}};
  if (payload_sha256) {
    v["outputSet"] = {{"payloadSha256", *payload_sha256},
                      {"inputSha256", {*payload_sha256}},
                      {"files", json::object()}};
  }
  return v.dump();
}

void plant(const fs::path& trace, const std::optional<std::string>& payload_sha256) {
  for (const char* mode : {"otlp", "ndjson"}) {
    fs::create_directories(trace / mode);
    write_file(trace / mode / "kvonce-validation.json", planted_validation(payload_sha256));
  }
}

}  // namespace

TEST_CASE("steps by hand: an ndjson verification of events prepared from the payload is its own") {
  TempDir dir;
  const std::string payload = test_data("kvonce-otlp.json");
  const fs::path trace = dir / "tr";
  REQUIRE(run_cli({"verify", payload, "-d", (trace / "otlp").string()}).exit_code == 1);
  SECTION("prepare -o FILE, then verify FILE") {
    const std::string events = (dir / "ev.ndjson").string();
    REQUIRE(run_cli({"prepare", "-i", payload, "-o", events}).exit_code == 0);
    const json record = json::parse(read_file(events + ".kvonce-source.json"));
    CHECK(record["payloadSha256"] == sha256_of(payload));
    CHECK(record["outputSha256"] == sha256_of(events));
    CHECK(record["order"] == "time");
    CHECK(record["masking"]["values"] == false);
    REQUIRE(run_cli({"verify", events, "--format", "ndjson", "-d", (trace / "ndjson").string()})
                .exit_code == 1);
    const json v = json::parse(read_file(trace / "ndjson/kvonce-validation.json"));
    CHECK(v["outputSet"]["derivedFrom"] == record);
    const auto r = report_on(dir, trace);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("otlp: invalid") && Catch::Contains("ndjson: invalid"));
    SECTION("also when the metadata names the payload") {
      CHECK(report_on(dir, trace, {"--metadata-for", payload, "--source-type", "explicit"})
                .exit_code == 1);
    }
    SECTION("not once the otlp mode verified another payload") {
      write_file(
          dir / "other.json",
          otlp_doc({kv_span(1'000'000'000, "success", "k", str_attr("kvonce.event.value", "v"))}));
      run_cli({"verify", (dir / "other.json").string(), "-d", (trace / "otlp").string()});
      const auto stale = report_on(dir, trace);
      CHECK(stale.exit_code == 4);
      CHECK_THAT(stale.err, Catch::Contains("otlp and ndjson verified different payloads"));
    }
  }
  SECTION("verify's own events file") {
    REQUIRE(run_cli({"verify", (trace / "otlp/kvonce-events.ndjson").string(), "--format", "ndjson",
                     "-d", (trace / "ndjson").string()})
                .exit_code == 1);
    CHECK(report_on(dir, trace).exit_code == 1);
    CHECK(
        report_on(dir, trace, {"--metadata-for", payload, "--source-type", "explicit"}).exit_code ==
        1);
  }
  SECTION("a file changed after prepare is not tied to the payload") {
    const std::string events = (dir / "ev.ndjson").string();
    REQUIRE(run_cli({"prepare", "-i", payload, "-o", events}).exit_code == 0);
    write_file(events, read_file(events) + read_lines(events).front() + "\n");
    run_cli({"verify", events, "--format", "ndjson", "-d", (trace / "ndjson").string()});
    CHECK_FALSE(
        json::parse(read_file(trace / "ndjson/kvonce-validation.json"))["outputSet"].contains(
            "derivedFrom"));
    CHECK(report_on(dir, trace).exit_code == 4);
  }
}

TEST_CASE("prepare: a source record only beside a file, declared as an output") {
  TempDir dir;
  const std::string payload = test_data("kvonce-otlp.json");
  SECTION("none for standard output") {
    const auto r = run_cli({"prepare", "-i", payload, "-o", "-"});
    CHECK(r.exit_code == 0);
    CHECK(dir.files().empty());
  }
  SECTION("no other output may be the record") {
    const std::string events = (dir / "ev.ndjson").string();
    const auto r = run_cli(
        {"prepare", "-i", payload, "-o", events, "--stats", events + ".kvonce-source.json"});
    CHECK(r.exit_code == 3);
    CHECK(dir.files().empty());
  }
}

TEST_CASE("report: a validation without an outputSet record is refused unless accepted") {
  TempDir dir;
  const fs::path trace = dir / "t";
  plant(trace, std::nullopt);
  const auto refused = report_on(dir, trace);
  CHECK(refused.exit_code == 4);
  CHECK_THAT(refused.err,
             Catch::Contains("no \"outputSet\" record") && Catch::Contains("--accept-unrecorded"));
  const auto accepted = report_on(dir, trace, {"--accept-unrecorded"});
  CHECK(accepted.exit_code == 0);
  CHECK_THAT(accepted.out, Catch::Contains("otlp: valid, 0 issues, unchecked"));
  CHECK_THAT(read_file(dir / "summary.md"), Catch::Contains("✅ valid (unchecked)"));
}

TEST_CASE("report --metadata-for judges the payload again") {
  TempDir dir;
  const fs::path trace = dir / "t";
  SECTION("a planted valid verdict with the digest of an invalid payload") {
    const std::string payload = test_data("kvonce-otlp.json");
    plant(trace, sha256_of(payload));
    const auto r = report_on(dir, trace, {"--metadata-for", payload, "--source-type", "explicit"});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("not the verdict of") &&
                          Catch::Contains("it says valid, the payload is invalid"));
    CHECK_FALSE(fs::exists(trace / "kvonce-payload-metadata.json"));
  }
  SECTION("a planted valid verdict for a payload that cannot be read") {
    write_file(dir / "bad.json", "{\"resourceSpans\": [");
    plant(trace, sha256_of(dir / "bad.json"));
    const auto r = report_on(
        dir, trace, {"--metadata-for", (dir / "bad.json").string(), "--source-type", "explicit"});
    CHECK(r.exit_code == 4);
    CHECK_FALSE(fs::exists(dir / "summary.md"));
  }
  SECTION("the verdicts run wrote are the payload's") {
    const std::string payload = test_data("kvonce-otlp.json");
    const int verdict =
        run_cli({"run", "-i", payload, "--trace-dir", trace.string(), "--profile", "compat",
                 "--max-retries", "1", "--step-summary", (dir / "s.md").string()})
            .exit_code;
    REQUIRE((verdict == 0 || verdict == 1));
    CHECK(
        report_on(dir, trace, {"--metadata-for", payload, "--source-type", "explicit"}).exit_code ==
        verdict);
  }
}

TEST_CASE("verify: a run that fails after -d removes the previous set") {
  TempDir dir;
  const fs::path out = dir / "st/otlp";
  REQUIRE(run_cli({"verify", test_data("kvonce-otlp.json"), "-d", out.string()}).exit_code == 1);
  write_file(dir / "bad.json", "{\"resourceSpans\": [");
  const auto r = run_cli({"verify", (dir / "bad.json").string(), "-d", out.string()});
  CHECK(r.exit_code == 4);
  for (const char* f : {"kvonce-validation.json", "kvonce-events.ndjson", "kvonce-projection.json",
                        "projected/kvonce-state-sequence.json"}) {
    CHECK_FALSE(fs::exists(out / f));
  }
  const auto rep = report_on(dir, dir / "st");
  CHECK(rep.exit_code == 1);
  CHECK_THAT(rep.out, Catch::Contains("otlp: error"));
  SECTION("but not when an output would replace its input") {
    REQUIRE(run_cli({"verify", test_data("kvonce-otlp.json"), "-d", out.string()}).exit_code == 1);
    const std::string events = (out / "kvonce-events.ndjson").string();
    CHECK(run_cli({"verify", events, "-d", out.string()}).exit_code == 3);
    CHECK(fs::exists(out / "kvonce-validation.json"));
  }
}

TEST_CASE("run: the output contract's files present before it are removed first") {
  TempDir dir;
  const fs::path trace = dir / "t";
  plant(trace, std::nullopt);
  write_file(trace / "kvonce-payload-metadata.json", "{}");
  write_file(trace / "kvonce-pr-comment.md", "✅ planted");
  write_file(dir / "bad.json", "{\"resourceSpans\": [");
  const auto r = run_cli({"run", "-i", (dir / "bad.json").string(), "--trace-dir", trace.string(),
                          "--step-summary", (dir / "s.md").string()});
  CHECK(r.exit_code == 4);
  for (const char* f : {"otlp/kvonce-validation.json", "ndjson/kvonce-validation.json",
                        "kvonce-payload-metadata.json", "kvonce-pr-comment.md"}) {
    CHECK_FALSE(fs::exists(trace / f));
  }
  SECTION("a local re-run into the same directory still works") {
    for (int i = 0; i < 2; ++i) {
      CHECK(run_cli({"run", "-i", test_data("kvonce-otlp.json"), "--trace-dir", trace.string(),
                     "--step-summary", (dir / "s.md").string()})
                .exit_code == 1);
    }
  }
}

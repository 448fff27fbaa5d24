// A run's outputs as one set: what validation and projection record, stale files, the output
// bound, and report's refusal of a directory whose files disagree (in-process CLI runs).
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/crypto/crypto.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

json read_json(const fs::path& path) {
  return json::parse(read_file(path));
}

// Every file under `dir` with its content, temporary files included.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file())
      files[e.path().lexically_relative(dir).generic_string()] = read_file(e.path());
  }
  return files;
}

// A success whose value is `value_bytes` long, then `retries` retries of its key.
std::string amplifying_payload(std::size_t value_bytes, int retries) {
  std::vector<std::string> spans{
      kv_span(1'000'000'000, "success", "big",
              str_attr("kvonce.event.value", std::string(value_bytes, 'v')))};
  for (int i = 0; i < retries; ++i) spans.push_back(kv_span(2'000'000'000ULL + i, "retry", "big"));
  return otlp_doc(spans);
}

CliResult report_on(const TempDir& dir, const fs::path& trace) {
  return run_cli({"report", "--trace-dir", trace.string(), "--step-summary",
                  (dir / "summary.md").string(), "--github-output", (dir / "out.txt").string()});
}

}  // namespace

TEST_CASE("output set: validation and projection record the payload and their siblings") {
  TempDir dir;
  const auto r = run_cli({"verify", "-i", test_data("kvonce-otlp.json"), "-d", (dir / "o").string(),
                          "--max-retries", "3"},
                         {{"GITHUB_RUN_ID", "4242"}, {"GITHUB_RUN_ATTEMPT", "2"}});
  REQUIRE(r.exit_code == 1);
  const std::string payload_sha = crypto::sha256_hex(read_file(test_data("kvonce-otlp.json")));
  const json v = read_json(dir / "o/kvonce-validation.json");
  CHECK(v["outputSet"]["payloadSha256"] == payload_sha);
  CHECK(v["outputSet"]["inputSha256"] == json::array({payload_sha}));
  CHECK(v["outputSet"]["githubRunId"] == "4242");
  CHECK(v["outputSet"]["githubRunAttempt"] == "2");
  for (const char* f :
       {"kvonce-events.ndjson", "projected/kvonce-state-sequence.json", "kvonce-projection.json"}) {
    CHECK(v["outputSet"]["files"][f] == crypto::sha256_hex(read_file(dir / "o" / f)));
  }
  const json p = read_json(dir / "o/kvonce-projection.json");
  CHECK(p["outputSet"]["payloadSha256"] == payload_sha);
  CHECK(p["outputSet"]["files"] ==
        json{{"kvonce-events.ndjson", v["outputSet"]["files"]["kvonce-events.ndjson"]},
             {"projected/kvonce-state-sequence.json",
              v["outputSet"]["files"]["projected/kvonce-state-sequence.json"]}});
}

TEST_CASE("output set: a run without events removes the previous run's events and projection") {
  TempDir dir;
  const std::string out = (dir / "o").string();
  REQUIRE(run_cli({"verify", "-i", test_data("kvonce-otlp.json"), "-d", out}).exit_code == 1);
  write_file(dir / "empty.json", otlp_doc({span_json(1, {str_attr("http.method", "GET")})}));
  REQUIRE(run_cli({"verify", "-i", (dir / "empty.json").string(), "-d", out}).exit_code == 2);
  CHECK(snapshot(dir / "o").size() == 1);
  CHECK(fs::exists(dir / "o/kvonce-validation.json"));
  CHECK(read_json(dir / "o/kvonce-validation.json")["outputSet"]["files"] == json::object());
}

TEST_CASE("output set: one long value and many retries stay small") {
  // 64 KiB repeated by 500 retries was 32 MB of state sequence; now it is written once.
  TempDir dir;
  write_file(dir / "p.json", amplifying_payload(64 << 10, 500));
  run_cli({"verify", "-i", (dir / "p.json").string(), "-d", (dir / "o").string()});
  CHECK(fs::file_size(dir / "o/projected/kvonce-state-sequence.json") < (1u << 20));
}

TEST_CASE("output set: --max-output-bytes ends with exit 5 and writes nothing of the new set") {
  TempDir dir;
  write_file(dir / "p.json", amplifying_payload(64 << 10, 50));
  const std::string out = (dir / "o").string();
  REQUIRE(run_cli({"verify", "-i", test_data("kvonce-otlp.json"), "-d", out}).exit_code == 1);
  const auto before = snapshot(dir / "o");
  SECTION("verify") {
    const auto r = run_cli(
        {"verify", "-i", (dir / "p.json").string(), "-d", out, "--max-output-bytes", "100000"});
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Catch::Contains("--max-output-bytes"));
    // No file of the new set and no temporary file; nor the previous set, whose verdict would
    // otherwise stand in for this run's.
    CHECK_FALSE(before.empty());
    CHECK(snapshot(dir / "o").empty());
  }
  SECTION("run, both modes and the metadata charged together") {
    const auto r =
        run_cli({"run", "-i", (dir / "p.json").string(), "--trace-dir", (dir / "t").string(),
                 "--max-output-bytes", "100000", "--step-summary", (dir / "s.md").string()});
    CHECK(r.exit_code == 5);
    for (const auto& [name, content] : snapshot(dir / "t"))
      CHECK(name.find(".tmp-") == std::string::npos);
  }
  SECTION("a bound the outputs fit in changes nothing") {
    CHECK(run_cli({"verify", "-i", (dir / "p.json").string(), "-d", out, "--max-output-bytes",
                   "10000000"})
              .exit_code == 1);
  }
}

namespace {

std::uint64_t bytes_under(const fs::path& dir) {
  std::uint64_t n = 0;
  for (const auto& [name, content] : snapshot(dir)) n += content.size();
  return n;
}

}  // namespace

TEST_CASE("output set: run over its bound leaves out the mode that passed it, as run in turn") {
  // The ndjson mode reads the otlp mode's events file while the otlp mode writes the rest of its
  // set: which mode passes the bound, and what is left, must not depend on which wrote first.
  TempDir dir;
  write_file(dir / "p.json", amplifying_payload(4 << 10, 200));
  const std::string payload = (dir / "p.json").string();
  const auto run_bounded = [&](const std::string& trace, std::uint64_t bound) {
    return run_cli({"run", "-i", payload, "--trace-dir", (dir / trace).string(),
                    "--max-output-bytes", std::to_string(bound), "--step-summary",
                    (dir / "s.md").string()});
  };
  const int verdict_exit =
      run_cli({"run", "-i", payload, "--trace-dir", (dir / "full").string()}).exit_code;
  REQUIRE(verdict_exit != 5);
  const std::uint64_t otlp = bytes_under(dir / "full/otlp");
  const std::uint64_t ndjson = bytes_under(dir / "full/ndjson");
  const auto no_temporary = [&](const fs::path& trace) {
    for (const auto& [name, content] : snapshot(trace))
      CHECK(name.find(".tmp-") == std::string::npos);
  };
  SECTION("the ndjson mode passes it: the otlp mode's set stays whole, none of the ndjson's") {
    for (const std::uint64_t bound : {otlp, otlp + ndjson / 2, otlp + ndjson - 1}) {
      const auto r = run_bounded("t", bound);
      CHECK(r.exit_code == 5);
      CHECK_THAT(r.err, Catch::Contains("--max-output-bytes"));
      CHECK(bytes_under(dir / "t/otlp") == otlp);
      CHECK(read_file(dir / "t/otlp/kvonce-events.ndjson") ==
            read_file(dir / "full/otlp/kvonce-events.ndjson"));
      CHECK((!fs::exists(dir / "t/ndjson") || snapshot(dir / "t/ndjson").empty()));
      CHECK_FALSE(fs::exists(dir / "t/kvonce-payload-metadata.json"));
      no_temporary(dir / "t");
    }
  }
  SECTION("the otlp mode passes it: no file of either mode, its early events file neither") {
    for (const std::uint64_t bound : {otlp / 2, otlp - 1}) {
      const auto r = run_bounded("t", bound);
      CHECK(r.exit_code == 5);
      CHECK(snapshot(dir / "t").empty());
    }
  }
  SECTION("both modes fit, the metadata does not: both sets whole") {
    const auto r = run_bounded("t", otlp + ndjson);
    CHECK(r.exit_code == 5);
    CHECK(bytes_under(dir / "t/otlp") == otlp);
    CHECK(bytes_under(dir / "t/ndjson") == ndjson);
    no_temporary(dir / "t");
  }
}

TEST_CASE("output set: report refuses a trace directory whose files disagree") {
  TempDir dir;
  const fs::path trace = dir / "t";
  REQUIRE(run_cli({"run", "-i", test_data("kvonce-otlp.json"), "--trace-dir", trace.string(),
                   "--step-summary", (dir / "s.md").string(), "--github-output",
                   (dir / "o.txt").string()})
              .exit_code == 1);
  REQUIRE(report_on(dir, trace).exit_code == 1);  // a consistent set: the verdict
  SECTION("events of another run beside the validation") {
    write_file(trace / "otlp/kvonce-events.ndjson",
               read_file(trace / "otlp/kvonce-events.ndjson") + "\n");
    const auto r = report_on(dir, trace);
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("not the outputs of one run") &&
                          Catch::Contains("kvonce-events.ndjson"));
  }
  SECTION("a state sequence left from another run") {
    fs::remove(trace / "ndjson/projected/kvonce-state-sequence.json");
    CHECK(report_on(dir, trace).exit_code == 4);
  }
  SECTION("metadata that describes another payload") {
    write_file(trace / "kvonce-payload-metadata.json",
               json{{"sourceType", "explicit"}, {"sha256", std::string(64, 'a')}}.dump());
    const auto r = report_on(dir, trace);
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("kvonce-payload-metadata.json describes"));
  }
  SECTION("--metadata-for another payload: its verdict is not the directory's") {
    write_file(dir / "other.json", "{}");
    const auto r =
        run_cli({"report", "--trace-dir", trace.string(), "--metadata-for",
                 (dir / "other.json").string(), "--source-type", "explicit", "--step-summary",
                 (dir / "s.md").string(), "--github-output", (dir / "o.txt").string()});
    CHECK(r.exit_code == 4);
  }
}

TEST_CASE("output set: fetch whose metadata cannot be written leaves the payload as it was") {
  TempDir dir;
  write_file(dir / "new.json", "new payload");
  write_file(dir / "payload.json", "old payload");
  fs::create_directories(dir / "meta.json");  // a directory in the way of the metadata
  const auto r =
      run_cli({"fetch", "--file", (dir / "new.json").string(), "--target",
               (dir / "payload.json").string(), "--metadata", (dir / "meta.json").string()});
  CHECK(r.exit_code == 6);
  CHECK(read_file(dir / "payload.json") == "old payload");
}

// `kvonce-trace verify` and `run` end to end (in-process).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using nlohmann::json;

namespace {

json validation(const std::filesystem::path& dir) {
  return json::parse(read_file(dir / "kvonce-validation.json"));
}

std::vector<std::string> issue_keys(const json& v) {
  std::vector<std::string> out;
  for (const auto& i : v["issues"])
    out.push_back(i["type"].get<std::string>() + ":" + i["key"].get<std::string>());
  return out;
}

}  // namespace

TEST_CASE("verify: the reference samples pass compat and fail spec, in both modes alike") {
  TempDir dir;
  for (const char* sample : {"kvonce-otlp.json", "kvonce-sample.ndjson"}) {
    const auto compat = run_cli(
        {"verify", "-i", test_data(sample), "-d", (dir / "c").string(), "--profile", "compat"});
    CHECK(compat.exit_code == 0);
    CHECK(validation(dir / "c")["valid"] == true);
    const auto spec = run_cli({"verify", "-i", test_data(sample), "-d", (dir / "s").string()});
    CHECK(spec.exit_code == 1);
    const json v = validation(dir / "s");
    CHECK(v["valid"] == false);
    CHECK(v["profile"] == "spec");
    CHECK(v["maxRetries"] == 3);
    const auto keys = issue_keys(v);
    CHECK(std::find(keys.begin(), keys.end(), "duplicate-before-success:beta") != keys.end());
    CHECK_THAT(spec.out,
               Catch::Contains("INVALID") && Catch::Contains("[duplicate-before-success] beta"));
    for (const auto& issue : v["issues"]) {
      CHECK(issue.contains("eventIndex"));
      CHECK(issue.contains("timestamp"));
      CHECK(issue.contains("traceId"));
    }
  }
}

TEST_CASE("verify: the same trace gives the same issues in OTLP and NDJSON mode") {
  TempDir dir;
  const auto prepared = (dir / "events.ndjson").string();
  REQUIRE(run_cli({"prepare", "-i", test_data("kvonce-otlp.json"), "-o", prepared}).exit_code == 0);
  REQUIRE(run_cli({"verify", "-i", test_data("kvonce-otlp.json"), "--format", "otlp", "-d",
                   (dir / "o").string()})
              .exit_code == 1);
  REQUIRE(run_cli({"verify", "-i", prepared, "--format", "ndjson", "-d", (dir / "n").string()})
              .exit_code == 1);
  json a = validation(dir / "o"), b = validation(dir / "n");
  CHECK(a["issues"] == b["issues"]);
  CHECK(read_file(dir / "o/kvonce-events.ndjson") == read_file(dir / "n/kvonce-events.ndjson"));
  for (const char* f : {"kvonce-events.ndjson", "kvonce-projection.json",
                        "projected/kvonce-state-sequence.json", "kvonce-validation.json"}) {
    CHECK(std::filesystem::exists(dir / "o" / f));
  }
}

TEST_CASE("verify: no KvOnce events is exit 2, never valid") {
  TempDir dir;
  write_file(dir / "empty.ndjson", "");
  write_file(dir / "other.json", otlp_doc({span_json(1, {str_attr("http.method", "GET")})}));
  for (const char* name : {"empty.ndjson", "other.json"}) {
    const auto r = run_cli({"verify", "-i", (dir / name).string(), "-d", (dir / "out").string()});
    CHECK(r.exit_code == 2);
    CHECK(validation(dir / "out")["valid"] == false);
    CHECK_THAT(r.out, Catch::Contains("NO EVENTS"));
  }
}

TEST_CASE("verify: a corrupt NDJSON file is judged not at all") {
  TempDir dir;
  write_file(dir / "bad.ndjson",
             "{\"timestamp\":\"2025-10-04T06:00:00Z\",\"type\":\"success\",\"key\":\"a\",\"value\":"
             "1}\n[oops\n");
  const auto r =
      run_cli({"verify", "-i", (dir / "bad.ndjson").string(), "-d", (dir / "out").string()});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("line 2 is not a valid JSON object"));
  CHECK_FALSE(std::filesystem::exists(dir / "out" / "kvonce-validation.json"));
}

TEST_CASE("verify: --max-retries and --order reach the rules") {
  TempDir dir;
  std::string text;
  for (int i = 1; i <= 4; ++i) {
    text += "{\"timestamp\":\"2025-10-04T06:00:0" + std::to_string(i) +
            "Z\",\"type\":\"retry\",\"key\":\"k\",\"context\":{\"attempts\":" + std::to_string(i) +
            "}}\n";
  }
  text +=
      "{\"timestamp\":\"2025-10-04T06:00:00Z\",\"type\":\"success\",\"key\":\"k\",\"value\":1,"
      "\"context\":{\"attempts\":5}}\n";
  write_file(dir / "t.ndjson", text);
  const auto in = (dir / "t.ndjson").string();
  CHECK(run_cli({"verify", "-i", in, "-d", (dir / "a").string(), "--order", "input"}).exit_code ==
        1);
  CHECK(issue_keys(validation(dir / "a")) == std::vector<std::string>{"retry-bound-exceeded:k"});
  CHECK(run_cli({"verify", "-i", in, "-d", (dir / "b").string(), "--order", "input",
                 "--max-retries", "4"})
            .exit_code == 0);
  CHECK(run_cli({"verify", "-i", in, "-d", (dir / "c").string(), "--max-retries", "4"}).exit_code ==
        1);
  CHECK(issue_keys(validation(dir / "c")) ==
        std::vector<std::string>{"success-attempt-mismatch:k"});
}

TEST_CASE(
    "verify: compat keeps the payload's order unless told otherwise, spec judges by real time") {
  // The reference never sorted, and compat checks retry attempts in sequence too.
  TempDir dir;
  write_file(
      dir / "t.ndjson",
      R"({"timestamp":"2025-10-09T08:00:01.000Z","type":"retry","key":"k","context":{"attempt":2}})"
      "\n"
      R"({"timestamp":"2025-10-09T08:00:00.000Z","type":"retry","key":"k","context":{"attempt":1}})"
      "\n");
  const auto in = (dir / "t.ndjson").string();
  const CliResult compat =
      run_cli({"verify", "-i", in, "-d", (dir / "a").string(), "--profile", "compat"});
  CHECK(compat.exit_code == 1);
  CHECK_THAT(compat.out, Catch::Contains("profile compat, max retries 3, order input"));
  const json a = validation(dir / "a");
  CHECK(a["order"] == "input");
  REQUIRE(a["issues"].size() == 1);
  CHECK(a["issues"][0]["message"] == "retry attempt 2 expected 1");
  CHECK_THAT(
      read_file(dir / "a" / "kvonce-events.ndjson"),
      Catch::StartsWith(
          R"({"traceId":"ndjson-missing-traceid-l1","timestamp":"2025-10-09T08:00:01.000Z")"));

  CHECK(run_cli({"verify", "-i", in, "-d", (dir / "b").string(), "--profile", "compat", "--order",
                 "time"})
            .exit_code == 0);
  CHECK(validation(dir / "b")["order"] == "time");
  run_cli({"verify", "-i", in, "-d", (dir / "c").string()});
  CHECK(validation(dir / "c")["order"] == "realtime");
  CHECK(validation(dir / "c")["clockSkewNanos"] == 0);
  CHECK(validation(dir / "c")["valid"] == true);
  // The verification order is the witness: retry 1 first.
  CHECK_THAT(read_file(dir / "c" / "kvonce-events.ndjson"),
             Catch::StartsWith(R"({"traceId":"ndjson-missing-traceid-l2")"));
  run_cli({"verify", "-i", in, "-d", (dir / "d").string(), "--clock-skew", "1.5ms"});
  CHECK(validation(dir / "d")["clockSkewNanos"] == 1500000);
}

TEST_CASE("verify: an event without a time is kept, written with a null timestamp, sorted last") {
  TempDir dir;
  write_file(dir / "t.ndjson",
             R"({"type":"failure","key":"k","reason":"duplicate"})"
             "\n"
             R"({"timestamp":"2025-10-09T08:00:00.000Z","type":"retry","key":"j"})"
             "\n");
  const auto in = (dir / "t.ndjson").string();
  const CliResult r = run_cli(
      {"verify", "-i", in, "-d", (dir / "a").string(), "--profile", "compat", "--order", "time"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("at no time"));
  const auto lines = read_lines(dir / "a" / "kvonce-events.ndjson");
  REQUIRE(lines.size() == 2);
  CHECK_THAT(lines[0], Catch::Contains(R"("key":"j")"));
  CHECK_THAT(lines[1], Catch::Contains(R"("timestamp":null)") && Catch::Contains(R"("key":"k")"));
  const json v = validation(dir / "a");
  REQUIRE(v["issues"].size() == 1);
  CHECK(v["issues"][0]["type"] == "duplicate-without-success");
  CHECK(v["issues"][0]["timestamp"].is_null());
  CHECK(v["issues"][0]["eventIndex"] == 1);
  const json projection = json::parse(read_file(dir / "a" / "kvonce-projection.json"));
  CHECK(projection["perKey"]["k"]["firstTimestamp"].is_null());

  // Under realtime (spec's default) the untimed event is concurrent with every other: the rules
  // alone place it, and as early as they allow.
  CHECK(run_cli({"verify", "-i", in, "-d", (dir / "b").string()}).exit_code == 1);
  CHECK(issue_keys(validation(dir / "b")) == std::vector<std::string>{"timestamp-missing:k",
                                                                      "duplicate-before-success:k",
                                                                      "retry-context-missing:j"});
}

TEST_CASE("run: the embedded sample is valid in both modes") {
  TempDir dir;
  const auto r = run_cli({"run", "--trace-dir", dir.path().string()});
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("compare: otlp and ndjson verdicts agree"));
  CHECK(validation(dir / "otlp")["valid"] == true);
  CHECK(validation(dir / "ndjson")["valid"] == true);
  CHECK(read_file(dir / "otlp/kvonce-events.ndjson") ==
        read_file(dir / "ndjson/kvonce-events.ndjson"));
}

TEST_CASE("run: the reference sample fails in both modes with the same issues") {
  TempDir dir;
  const auto r =
      run_cli({"run", "-i", test_data("kvonce-otlp.json"), "--trace-dir", dir.path().string()});
  CHECK(r.exit_code == 1);
  CHECK(validation(dir / "otlp")["issues"] == validation(dir / "ndjson")["issues"]);
  CHECK(run_cli({"run", "-i", test_data("kvonce-otlp.json"), "--trace-dir", dir.path().string(),
                 "--profile", "compat"})
            .exit_code == 0);
}

TEST_CASE("run: metadata, PR comment and Step Summary of the whole job") {
  TempDir dir;
  const auto summary = dir / "summary.md";
  const auto outputs = dir / "outputs.txt";
  const auto trace = dir / "trace";
  const auto r = run_cli({"run", "-i", test_data("kvonce-otlp.json"), "--trace-dir", trace.string(),
                          "--step-summary", summary.string(), "--github-output", outputs.string()});
  CHECK(r.exit_code == 1);
  const json meta = json::parse(read_file(trace / "kvonce-payload-metadata.json"));
  CHECK(meta["sourceType"] == "explicit");
  CHECK(meta["eventCount"] == 4);
  CHECK(meta["sizeBytes"] == std::filesystem::file_size(test_data("kvonce-otlp.json")));
  CHECK(meta["sha256"].get<std::string>().size() == 64);
  const std::string comment = read_file(trace / "kvonce-pr-comment.md");
  CHECK_THAT(comment, Catch::StartsWith("<!-- kvonce-trace-summary -->") &&
                          Catch::Contains("### KvOnce Trace Validation") &&
                          Catch::Contains(meta["sha256"].get<std::string>()));
  CHECK_THAT(read_file(summary), Catch::Contains("KvOnce Trace Validation"));
  CHECK_THAT(read_file(outputs),
             Catch::Contains("valid_otlp=false") && Catch::Contains("valid_ndjson=false"));
  // The local payload is read in place, not copied.
  CHECK_FALSE(std::filesystem::exists(trace / "payload"));
}

TEST_CASE("run: the embedded sample is fetched as sourceType sample") {
  TempDir dir;
  REQUIRE(run_cli({"run", "--trace-dir", dir.path().string()}).exit_code == 0);
  const json meta = json::parse(read_file(dir / "kvonce-payload-metadata.json"));
  CHECK(meta["sourceType"] == "sample");
  CHECK(meta["eventCount"] == 6);
}

TEST_CASE("verify refuses an output directory whose files are its inputs") {
  TempDir dir;
  std::filesystem::create_directories(dir / "out");
  const std::string events =
      "{\"timestamp\":\"2025-10-04T06:00:00Z\",\"type\":\"success\",\"key\":\"k\",\"value\":"
      "\"raw secret\",\"context\":{\"attempts\":1}}\n";
  write_file(dir / "out/kvonce-events.ndjson", events);
  const auto r = run_cli({"verify", "-i", (dir / "out/kvonce-events.ndjson").string(), "-d",
                          (dir / "out").string(), "--mask-values"});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("kvonce-events.ndjson") && Catch::Contains("input"));
  CHECK(read_file(dir / "out/kvonce-events.ndjson") == events);
  CHECK_FALSE(std::filesystem::exists(dir / "out/kvonce-validation.json"));
}

TEST_CASE("run refuses a report file that is the payload it reads") {
  TempDir dir;
  const std::string payload = read_file(test_data("kvonce-otlp.json"));
  write_file(dir / "p.json", payload);
  const auto r = run_cli({"run", "-i", (dir / "p.json").string(), "--trace-dir",
                          (dir / "t").string(), "--pr-comment", (dir / "p.json").string()});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err, Catch::Contains("--pr-comment") && Catch::Contains("--input"));
  CHECK(read_file(dir / "p.json") == payload);
}

TEST_CASE("verify: the forms read are recorded, and exit 2 says why") {
  TempDir dir;
  // Two length-prefixed protobuf records (4-byte big-endian length, then a TracesData), the
  // spans of which carry no kvonce.event.type.
  auto len = [](int field, const std::string& payload) {
    return std::string{static_cast<char>(field << 3 | 2), static_cast<char>(payload.size())} +
           payload;
  };
  const std::string span = std::string("\x39", 1) + std::string(8, '\x01') +
                           len(9, len(1, "http.method") + len(2, len(1, "GET")));
  const std::string message = len(1, len(2, len(2, span) + len(2, span)));
  const std::string record = std::string("\0\0\0", 3) + static_cast<char>(message.size()) + message;
  write_file(dir / "p.pb", record + record);
  const auto r = run_cli({"verify", "-i", (dir / "p.pb").string(), "-d", (dir / "v").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.out, Catch::Contains("read: 2 length-prefixed protobuf records, 4 spans\n"));
  CHECK_THAT(r.out, Catch::Contains("no events: 2 length-prefixed protobuf records, 4 spans, "
                                    "none with kvonce.event.type\n"));
  const json v = validation(dir / "v");
  CHECK(v["input"] == json::parse(R"([{"compression":"none","framing":"length-prefixed",)"
                                  R"("encoding":"protobuf","records":2}])"));
  const auto p = run_cli({"prepare", "-i", test_data("kvonce-otlp.json"), "-o",
                          (dir / "e.ndjson").string(), "--stats", (dir / "s.json").string()});
  CHECK(p.exit_code == 0);
  const json stats = json::parse(read_file(dir / "s.json"));
  CHECK(stats["inputs"][0]["form"] ==
        json::parse(R"({"compression":"none","framing":"stream","encoding":"json"})"));
}

TEST_CASE("verify: the key count without an output directory is the projection's") {
  // Without -d the judge's count is taken when every key is a string; the projection counts the
  // number 10 and the string "10" as one key, so any other key form is counted as it counts.
  TempDir dir;
  const auto line = [](int second, const std::string& key_json) {
    return R"({"timestamp":"2025-01-01T00:00:0)" + std::to_string(second) +
           R"(Z","type":"success","key":)" + key_json +
           R"(,"value":"v","context":{"attempts":1}})" + "\n";
  };
  const std::string strings = line(0, R"("a")") + line(1, R"("b")") + line(2, R"("a")");
  const std::string mixed = strings + line(3, "10") + line(4, R"("10")") + line(5, "null") +
                            line(6, "true") + line(7, R"("true")");
  for (const auto& [text, keys] : {std::pair{strings, 2}, std::pair{mixed, 5}}) {
    for (const char* profile : {"spec", "compat"}) {
      INFO(profile << ", " << keys << " keys");
      write_file(dir / "in.ndjson", text);
      const auto printed =
          run_cli({"verify", "-i", (dir / "in.ndjson").string(), "--profile", profile, "--json"});
      const auto written = run_cli({"verify", "-i", (dir / "in.ndjson").string(), "--profile",
                                    profile, "-d", (dir / "out").string(), "-q"});
      REQUIRE(printed.exit_code == written.exit_code);
      const auto from_projection = nlohmann::json::parse(
          read_file(dir / "out/kvonce-projection.json"))["stats"]["uniqueKeys"];
      CHECK(nlohmann::json::parse(printed.out)["keyCount"] == from_projection);
      CHECK(nlohmann::json::parse(read_file(dir / "out/kvonce-validation.json"))["keyCount"] ==
            from_projection);
      CHECK(from_projection == keys);
    }
  }
}

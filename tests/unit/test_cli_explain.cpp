// `kvonce-trace explain KEY` (in-process CLI): one key's timeline, judged as verify judges it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"
#include "two_keys_trace.hpp"

using namespace kvonce;
using namespace kvonce::test;
using nlohmann::json;

using Fixture = TwoKeysFixture;

TEST_CASE("explain: a key with a violation, in verify's words, exit 1") {
  Fixture f;
  const auto verify = run_cli({"verify", "-i", f.in, "-d", (f.dir / "out").string()});
  const json v = json::parse(read_file(f.dir / "out/kvonce-validation.json"));
  const auto r = run_cli({"explain", "a", "-i", f.in});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("explain: a: INVALID (3 of 4 events, 1 issue") &&
                        Catch::Contains("  #2 2025-10-09T08:00:02.000Z success") &&
                        Catch::Contains("      state after: written, 0 retries, 0 failures\n"
                                        "      [multiple-success] " +
                                        v["issues"][0]["message"].get<std::string>() + "\n"));

  const auto j = run_cli({"explain", "a", "-i", f.in, "--json"});
  CHECK(j.exit_code == 1);
  const json doc = json::parse(j.out);
  CHECK(doc["found"] == true);
  CHECK(doc["valid"] == false);
  REQUIRE(doc["timeline"].size() == 3);
  CHECK(doc["timeline"][1]["event"]["eventIndex"] == 2);
  CHECK(doc["timeline"][1]["issues"] == json::array({"multiple-success"}));
  CHECK(doc["timeline"][2]["event"]["reason"] == "\"duplicate\"");
  CHECK(doc["timeline"][2]["state"]["failures"] == 1);
  CHECK(doc["issues"][0]["message"] == v["issues"][0]["message"]);
  CHECK(doc["issues"][0]["eventIndex"] == v["issues"][0]["eventIndex"]);
}

TEST_CASE("explain: a clean key exits 0, an unknown one 2, and the profile flags apply") {
  Fixture f;
  const auto clean = run_cli({"explain", "b", "-i", f.in});
  CHECK(clean.exit_code == 0);
  CHECK_THAT(clean.out, Catch::Contains("explain: b: VALID (1 of 4 events, 0 issues"));

  const auto unknown = run_cli({"explain", "nope\x1b[31m", "-i", f.in});
  CHECK(unknown.exit_code == 2);
  CHECK_THAT(unknown.out, Catch::Contains("no events with the key nope\\x1b[31m"));
  const auto unknown_json = run_cli({"explain", "nope", "-i", f.in, "--json"});
  CHECK(unknown_json.exit_code == 2);
  CHECK(json::parse(unknown_json.out)["found"] == false);

  const auto compat = run_cli({"explain", "a", "-i", f.in, "--profile", "compat"});
  CHECK(compat.exit_code == 1);
  CHECK_THAT(compat.out, Catch::Contains("[multiple-success] success appeared 2 times"));
}

TEST_CASE("explain: --trace-dir reads the events verify wrote, and an input is required") {
  Fixture f;
  // A directory laid out as run's: the events of its otlp/ mode are read.
  REQUIRE(run_cli({"verify", "-i", f.in, "-d", (f.dir / "t" / "otlp").string()}).exit_code == 1);
  const auto r = run_cli({"explain", "a", "--trace-dir", (f.dir / "t").string()});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("[multiple-success]"));
  CHECK(run_cli({"explain", "a", "--trace-dir", (f.dir / "none").string()}).exit_code == 4);
  CHECK(run_cli({"explain", "a"}).exit_code == 3);
  CHECK(run_cli({"explain", "a", "-i", f.in, "--trace-dir", (f.dir / "t").string()}).exit_code ==
        3);
}

TEST_CASE("explain --trace-dir judges as the verification it reads did, unless told otherwise") {
  TempDir dir;
  // Two retries then the success: valid under MAX_RETRIES 3, a violation under 1.
  write_file(
      dir / "trace.ndjson",
      R"({"timestamp":"2025-10-09T08:00:00.000Z","type":"retry","key":"r","reason":"timeout","context":{"attempts":1}}
{"timestamp":"2025-10-09T08:00:01.000Z","type":"retry","key":"r","reason":"timeout","context":{"attempts":2}}
{"timestamp":"2025-10-09T08:00:02.000Z","type":"success","key":"r","value":"v","context":{"attempts":3}}
)");
  const std::string out = (dir / "out").string();
  REQUIRE(run_cli({"verify", "-i", (dir / "trace.ndjson").string(), "-d", out, "--max-retries", "1",
                   "--order", "input"})
              .exit_code == 1);

  const auto recorded = run_cli({"explain", "r", "--trace-dir", out});
  CHECK(recorded.exit_code == 1);
  CHECK_THAT(recorded.out, Catch::Contains("max retries 1, order input as recorded in " + out +
                                           "/kvonce-validation.json"));
  const json doc = json::parse(run_cli({"explain", "r", "--trace-dir", out, "--json"}).out);
  CHECK(doc["maxRetries"] == 1);
  CHECK(doc["order"] == "input");
  CHECK(doc["judgingRecordedIn"] == out + "/kvonce-validation.json");

  const auto told = run_cli({"explain", "r", "--trace-dir", out, "--max-retries", "3"});
  CHECK(told.exit_code == 0);
  CHECK_THAT(told.out, Catch::Contains("max retries 3, order input as recorded in"));

  // The same events without a validation file: the defaults, and no claim of a record.
  std::filesystem::remove(dir / "out/kvonce-validation.json");
  const auto bare = run_cli({"explain", "r", "--trace-dir", out});
  CHECK(bare.exit_code == 0);
  CHECK_THAT(bare.out,
             Catch::Contains("max retries 3, order realtime)") && !Catch::Contains("as recorded"));

  // A validation file that is not one: exit 4, naming it and where.
  write_file(dir / "out/kvonce-validation.json", R"({"profile":"strict"})");
  const auto bad = run_cli({"explain", "r", "--trace-dir", out});
  CHECK(bad.exit_code == 4);
  CHECK_THAT(bad.err, Catch::Contains(out + "/kvonce-validation.json: unknown profile at byte"));
}

TEST_CASE("explain: realtime judging, with the clock skew recorded beside the events") {
  TempDir dir;
  // The refusal ends 1 ms before the success starts: a violation, unless clocks may be 1 ms off.
  write_file(
      dir / "t.ndjson",
      R"({"timestamp":"2025-10-09T08:53:20.000Z","timeUnixNano":"1760000000000000000","endTimeUnixNano":"1760000000004000000","type":"failure","key":"k","reason":"duplicate"})"
      "\n"
      R"({"timestamp":"2025-10-09T08:53:20.005Z","timeUnixNano":"1760000000005000000","endTimeUnixNano":"1760000000010000000","type":"success","key":"k","value":"v","context":{"attempts":1}})"
      "\n");
  const std::string in = (dir / "t.ndjson").string(), out = (dir / "out").string();
  CHECK(run_cli({"verify", "-i", in, "-d", out, "--clock-skew", "1ms"}).exit_code == 0);
  const auto recorded = run_cli({"explain", "k", "--trace-dir", out});
  CHECK(recorded.exit_code == 0);
  CHECK_THAT(recorded.out, Catch::Contains("order realtime, clock skew 1000000ns as recorded in"));
  // Each event shows its interval.
  CHECK_THAT(recorded.out,
             Catch::Contains("2025-10-09T08:53:20.005Z to 2025-10-09T08:53:20.010Z success"));
  const auto strict = run_cli({"explain", "k", "--trace-dir", out, "--clock-skew", "0"});
  CHECK(strict.exit_code == 1);
  CHECK_THAT(strict.out, Catch::Contains("the duplicate failure ended at 2025-10-09T08:53:20.004Z "
                                         "before the key's only success began at"));
}

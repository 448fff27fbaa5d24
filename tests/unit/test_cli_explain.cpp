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

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/output/projection.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using nlohmann::json;

TEST_CASE("write_projection: per-key aggregates and stats as the old projector") {
  test::TempDir dir;
  const EventStore store = test::load_ndjson(
      R"({"timestamp":"2025-10-04T06:00:00Z","type":"retry","key":"a","context":{"attempts":1}})"
      "\n"
      R"({"timestamp":"2025-10-04T06:00:01Z","type":"success","key":"a","value":"v1","context":{"attempts":2}})"
      "\n"
      R"({"timestamp":"2025-10-04T06:00:02Z","type":"failure","key":"a","reason":"Duplicate"})"
      "\n"
      R"({"timestamp":"2025-10-04T06:00:03Z","type":"failure","key":"b"})"
      "\n"
      R"({"timestamp":"2025-10-04T06:00:04Z","type":"success","key":"a","value":null})"
      "\n"
      R"({"timestamp":"2025-10-04T06:00:05Z","type":"odd","key":"c"})"
      "\n");
  const auto stats = output::write_projection(store, dir / "p.json", dir / "projected/s.json",
                                              test::instant("2026-01-02T03:04:05.678Z"));
  CHECK(stats.keys == 3);
  const json p = json::parse(test::read_file(dir / "p.json"));
  CHECK(p["schemaVersion"] == "kvonce/v1");
  CHECK(p["generatedAt"] == "2026-01-02T03:04:05.678Z");
  CHECK(p["eventCount"] == 6);
  const json& a = p["perKey"]["a"];
  CHECK(a["successCount"] == 2);
  CHECK(a["retries"] == 1);
  CHECK(a["failureReasons"] == json::array({"Duplicate"}));
  CHECK(a["retryContexts"] == json::parse(R"([{"attempts":1}])"));
  CHECK(a["successContexts"] == json::parse(R"([{"attempts":2}])"));
  CHECK(a["value"] == "v1");  // a later null value does not erase it
  CHECK(a["firstTimestamp"] == "2025-10-04T06:00:00.000Z");
  CHECK(a["lastTimestamp"] == "2025-10-04T06:00:04.000Z");
  CHECK(a["lastType"] == "success");
  CHECK(a["lastFailureReason"] == "Duplicate");
  CHECK(p["perKey"]["b"]["failureReasons"] == json::array({"unknown"}));
  CHECK(p["perKey"]["b"]["value"].is_null());
  const json& s = p["stats"];
  CHECK(s["totalEvents"] == 6);
  CHECK(s["uniqueKeys"] == 3);
  CHECK(s["byType"] == json::parse(R"({"success":2,"retry":1,"failure":2,"unknown":1})"));
  CHECK(s["keysWithSuccess"] == 1);
  CHECK(s["keysWithRetries"] == 1);
  CHECK(s["keysWithFailures"] == 2);
  CHECK(s["duplicateFailureKeys"] == 1);
  CHECK(s["successRate"] == 0.333);
  CHECK(s["stateSequenceLength"] == 6);
  CHECK(p["outputs"]["stateSequence"] == "projected/s.json");

  const json seq = json::parse(test::read_file(dir / "projected/s.json"));
  REQUIRE(seq.size() == 6);
  CHECK(seq[1]["index"] == 1);
  CHECK(seq[1]["key"] == "a");
  CHECK(seq[1]["store"]["a"]["written"] == true);
  CHECK(seq[1]["store"]["a"]["value"] == "v1");
  CHECK(seq[1]["store"]["a"]["retries"] == 1);
  CHECK(seq[1]["event"]["value"] == "v1");
  CHECK(seq[4]["store"]["a"]["value"].is_null());  // the store takes the null value
  CHECK(seq[3]["store"].size() == 1);              // only the key the event changed
  CHECK(seq[5]["totals"] == json::parse(R"({"success":2,"retry":1,"failure":2,"unknown":1})"));
}

TEST_CASE("state sequence: a value over 1 KiB is written once, then as a sha256 stand-in") {
  test::TempDir dir;
  const std::string big(1500, 'x'), edge(1022, 'y');  // JSON texts of 1,502 and 1,024 bytes
  const std::string big_json = "\"" + big + "\"", edge_json = "\"" + edge + "\"";
  std::string lines;
  const auto line = [&](int second, const std::string& rest) {
    lines +=
        R"({"timestamp":"2025-10-04T06:00:0)" + std::to_string(second) + R"(Z",)" + rest + "}\n";
  };
  line(0, R"("type":"success","key":"big","value":)" + big_json + R"(,"context":{"attempts":1})");
  line(1, R"("type":"retry","key":"big","context":{"attempts":1})");
  line(2, R"("type":"failure","key":"big","reason":)" + big_json);
  line(3, R"("type":"retry","key":"big","context":{"attempts":2})");
  line(4, R"("type":"success","key":"edge","value":)" + edge_json);
  line(5, R"("type":"retry","key":"edge","context":{"attempts":1})");
  const EventStore store = test::load_ndjson(lines);
  output::write_projection(store, dir / "p.json", dir / "projected/s.json",
                           test::instant("2026-01-02T03:04:05.678Z"));
  const json s = json::parse(test::read_file(dir / "projected/s.json"));
  const json stand_in = {{"sha256", crypto::sha256_hex(big_json)}, {"bytes", big_json.size()}};
  CHECK(s[0]["store"]["big"]["value"] == big);  // the event that set it: in full
  CHECK(s[1]["store"]["big"]["value"] == stand_in);
  CHECK(s[2]["store"]["big"]["value"] == stand_in);
  CHECK(s[2]["store"]["big"]["lastFailureReason"] == big);  // the same rule for reasons
  CHECK(s[3]["store"]["big"]["lastFailureReason"] == stand_in);
  CHECK(s[3]["store"]["big"]["value"] == stand_in);
  CHECK(s[5]["store"]["edge"]["value"] == edge);  // 1 KiB of JSON text stays a string
  CHECK(s[2]["event"]["reason"] == big);          // each event itself is kept whole
}

// Key histories through verify: in kvonce-validation.json and on the console (in-process CLI).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"
#include "two_keys_trace.hpp"

using namespace kvonce;
using namespace kvonce::test;
using nlohmann::json;

using Fixture = TwoKeysFixture;

TEST_CASE("verify: each issue carries its key's history, in the file and on the console") {
  Fixture f;
  const auto r = run_cli({"verify", "-i", f.in, "-d", (f.dir / "out").string()});
  REQUIRE(r.exit_code == 1);
  const json v = json::parse(read_file(f.dir / "out/kvonce-validation.json"));
  REQUIRE(v["issues"].size() == 1);
  const json& h = v["issues"][0]["history"];
  REQUIRE(h.size() == 2);
  CHECK(h[0]["eventIndex"] == 0);
  CHECK(h[0]["timestamp"] == "2025-10-09T08:00:00.000Z");
  CHECK(h[0]["type"] == "success");
  CHECK(h[0]["attempts"] == 1);
  CHECK(h[0]["value"] == "\"v1\"");
  CHECK(h[0]["traceId"] == "t0");
  CHECK_FALSE(h[0].contains("reason"));
  CHECK(h[1]["eventIndex"] == v["issues"][0]["eventIndex"]);
  CHECK_THAT(r.out, Catch::Contains("event #2 (0-based)") &&
                        Catch::Contains("      #0 2025-10-09T08:00:00.000Z success attempts=1 "
                                        "value=\"v1\" trace=t0\n") &&
                        Catch::Contains("      #2 2025-10-09T08:00:02.000Z success"));
}

TEST_CASE("verify: masked values stay masked in histories") {
  Fixture f;
  const auto r = run_cli({"verify", "-i", f.in, "-d", (f.dir / "out").string(), "--mask-values"});
  REQUIRE(r.exit_code == 1);
  const std::string text = read_file(f.dir / "out/kvonce-validation.json");
  CHECK(text.find("v1") == std::string::npos);
  CHECK(r.out.find("v1") == std::string::npos);
  const json v = json::parse(text);
  CHECK_THAT(v["issues"][0]["history"][0]["value"].get<std::string>(),
             Catch::StartsWith("\"hmac-sha256:"));
}

// run's ndjson mode copies the otlp mode's events file and state sequence when it read the same
// events: the copies must be those bytes under their true digests, and anything else must be
// formatted from the mode's own events.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/steps/verify.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

constexpr const char* kWritten[] = {"kvonce-events.ndjson", "projected/kvonce-state-sequence.json"};

EventStore trace(const std::string& value) {
  return load_otlp(
      otlp_doc({kv_span(1'000'000'000, "retry", "k", int_attr("attempts", 1)),
                kv_span(2'000'000'000, "success", "k", str_attr("kvonce.event.value", value))}));
}

steps::VerifyOptions mode(const fs::path& trace_dir, const char* name) {
  steps::VerifyOptions o;
  o.within = OutputDir::tree(trace_dir);
  o.output_dir = trace_dir / name;
  o.order = steps::Order::realtime;
  o.rules = steps::judging_rules(o.rules, o.order);
  return o;
}

// Every file the set records is recorded under its own SHA-256.
void check_record(const fs::path& dir) {
  const auto v = nlohmann::json::parse(read_file(dir / "kvonce-validation.json"));
  for (const auto& [name, digest] : v["outputSet"]["files"].items()) {
    INFO(name);
    CHECK(digest == crypto::sha256_hex(read_file(dir / name)));
  }
}

}  // namespace

TEST_CASE("equal events: the otlp mode's files are copied only when they are this mode's bytes") {
  TempDir dir;
  const EventStore otlp = trace("v1");
  steps::verify_store(otlp, {}, mode(dir.path(), "otlp"));
  bool asked = false;
  steps::VerifyOptions nd = mode(dir.path(), "ndjson");
  const auto equal_to_otlp = [&](bool in_place) {
    nd.equal_events = steps::VerifyOptions::EqualEvents{&otlp, dir / "otlp", [&asked, in_place] {
                                                          asked = true;
                                                          return in_place;
                                                        }};
  };

  SECTION("the same events: the same bytes, another file, true digests") {
    equal_to_otlp(true);
    steps::verify_store(trace("v1"), {}, nd);
    CHECK(asked);
    for (const char* f : kWritten) {
      INFO(f);
      CHECK(read_file(dir / "ndjson" / f) == read_file(dir / "otlp" / f));
      CHECK_FALSE(fs::equivalent(dir / "ndjson" / f, dir / "otlp" / f));
    }
    check_record(dir / "ndjson");
  }
  SECTION("other events: formatted from this mode's own, the otlp set never waited for") {
    equal_to_otlp(true);
    const EventStore other = trace("v2");
    steps::verify_store(other, {}, nd);
    CHECK_FALSE(asked);
    CHECK_THAT(read_file(dir / "ndjson/kvonce-events.ndjson"), Catch::Contains("v2"));
    CHECK_THAT(read_file(dir / "ndjson/projected/kvonce-state-sequence.json"),
               !Catch::Contains("v1"));
    check_record(dir / "ndjson");
  }
  SECTION("the otlp set never in place, or changed since it was written: formatted") {
    equal_to_otlp(false);
    steps::verify_store(trace("v1"), {}, nd);
    CHECK(asked);
    check_record(dir / "ndjson");
    std::ofstream(dir / "otlp/projected/kvonce-state-sequence.json", std::ios::app) << " ";
    equal_to_otlp(true);
    steps::verify_store(trace("v1"), {}, nd);
    CHECK(read_file(dir / "ndjson/projected/kvonce-state-sequence.json") + " " ==
          read_file(dir / "otlp/projected/kvonce-state-sequence.json"));
    check_record(dir / "ndjson");
  }
}

TEST_CASE("run: both modes' events files and state sequences are the same bytes, truly recorded") {
  TempDir dir;
  const auto r = run_cli({"run", "-i", test_data("kvonce-otlp.json"), "--trace-dir",
                          (dir / "t").string(), "--max-retries", "3"});
  REQUIRE((r.exit_code == 0 || r.exit_code == 1));
  for (const char* f : kWritten) {
    INFO(f);
    CHECK(read_file(dir / "t/ndjson" / f) == read_file(dir / "t/otlp" / f));
  }
  check_record(dir / "t/otlp");
  check_record(dir / "t/ndjson");
  // And report finds one consistent set.
  CHECK(run_cli({"report", "--trace-dir", (dir / "t").string(), "--step-summary",
                 (dir / "s.md").string()})
            .exit_code == r.exit_code);
}

// Verifying one payload in-process: verdicts, hashes, errors as results, optional outputs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/batch/verify_payload.hpp"
#include "kvonce/crypto/crypto.hpp"
#include "kvonce/io/gzip_source.hpp"

#include "batch_test_payloads.hpp"

using namespace kvonce;
using namespace kvonce::batch;

TEST_CASE("verify_file") {
  test::TempDir dir;
  PayloadOptions options;

  SECTION("a valid payload: counts, and the SHA-256 and size of the bytes as stored") {
    const std::string text = test::valid_payload(5);
    const std::string gz = io::gzip_compress(text);
    test::write_payload(dir / "a.jsonl.gz", gz);
    const PayloadResult r = verify_file("name/a.jsonl.gz", dir / "a.jsonl.gz", options);
    CHECK(r.source == "name/a.jsonl.gz");
    CHECK(r.valid);
    CHECK_FALSE(r.error);
    CHECK(r.events == 5);
    CHECK(r.keys == 5);
    CHECK(r.issue_counts.empty());
    CHECK(r.sha256 == crypto::sha256_hex(gz));
    CHECK(r.bytes == gz.size());
    CHECK(r.seconds >= 0);
    CHECK(dir.files() == std::vector<std::string>{"a.jsonl.gz"});  // nothing written
  }
  SECTION("an invalid payload: issue counts by type") {
    test::write_payload(dir / "b.jsonl", test::invalid_payload());
    const PayloadResult r = verify_file("b", dir / "b.jsonl", options);
    CHECK_FALSE(r.valid);
    CHECK_FALSE(r.error);
    CHECK(r.events == 3);
    CHECK(r.keys == 2);
    CHECK(r.issue_counts == std::map<std::string, std::uint64_t>{{"multiple-success", 1}});
  }
  SECTION("the profile is applied: the reference sample fails spec and passes compat") {
    const std::filesystem::path sample = test::test_data("kvonce-sample.ndjson");
    const PayloadResult spec = verify_file("sample", sample, options);
    CHECK_FALSE(spec.valid);
    CHECK(spec.issue_counts.count("duplicate-before-success") == 1);
    options.rules.profile = rules::Profile::compat;
    const PayloadResult compat = verify_file("sample", sample, options);
    CHECK(compat.valid);
    CHECK(compat.issue_counts.empty());
  }
  SECTION("a corrupt payload: an input error naming the source, yet hashed whole") {
    const std::string text = test::corrupt_payload();
    test::write_payload(dir / "c.jsonl", text);
    const PayloadResult r = verify_file("src/c.jsonl", dir / "c.jsonl", options);
    REQUIRE(r.error);
    CHECK(r.error->kind == "input");
    CHECK_THAT(r.error->message, Catch::StartsWith("src/c.jsonl: line 2"));
    CHECK_FALSE(r.valid);
    CHECK(r.sha256 == crypto::sha256_hex(text));
    CHECK(r.bytes == text.size());
  }
  SECTION("a truncated gzip payload is an input error") {
    const std::string gz = io::gzip_compress(test::valid_payload(50));
    test::write_payload(dir / "t.json.gz", gz.substr(0, gz.size() / 2));
    const PayloadResult r = verify_file("t", dir / "t.json.gz", options);
    REQUIRE(r.error);
    CHECK(r.error->kind == "input");
    CHECK_THAT(r.error->message, Catch::Contains("gzip"));
  }
  SECTION("over a limit: a limit error") {
    test::write_payload(dir / "big.json.gz", io::gzip_compress(test::valid_payload(100)));
    options.limits.max_decompressed_bytes = 100;
    const PayloadResult r = verify_file("big", dir / "big.json.gz", options);
    REQUIRE(r.error);
    CHECK(r.error->kind == "limit");
  }
  SECTION("no KvOnce events: a no_events error, not a failure") {
    test::write_payload(dir / "e.jsonl", test::eventless_payload());
    const PayloadResult r = verify_file("e", dir / "e.jsonl", options);
    REQUIRE(r.error);
    CHECK(r.error->kind == "no_events");
    CHECK(r.no_events());
    CHECK_FALSE(r.failed());
    CHECK(r.events == 0);
    CHECK_FALSE(r.sha256.empty());
  }
  SECTION("a missing file: an input error, no hash") {
    const PayloadResult r = verify_file("gone", dir / "gone.json", options);
    REQUIRE(r.error);
    CHECK(r.error->kind == "input");
    CHECK(r.sha256.empty());
    CHECK(r.failed());
  }
  SECTION("with an output root: verify's outputs in a directory per source, same figures") {
    test::write_payload(dir / "in/b.jsonl", test::invalid_payload());
    const PayloadResult plain = verify_file("in/b.jsonl", dir / "in/b.jsonl", options);
    options.output_root = dir / "out";
    const PayloadResult r = verify_file("in/b.jsonl", dir / "in/b.jsonl", options);
    CHECK(r.keys == plain.keys);
    CHECK(r.events == plain.events);
    CHECK(r.issue_counts == plain.issue_counts);
    const auto out = dir / "out" / safe_name("in/b.jsonl");
    for (const char* f : {"kvonce-events.ndjson", "kvonce-projection.json",
                          "projected/kvonce-state-sequence.json", "kvonce-validation.json"}) {
      CHECK(std::filesystem::exists(out / f));
    }
    const auto validation = nlohmann::json::parse(test::read_file(out / "kvonce-validation.json"));
    CHECK(validation["valid"] == false);
  }
  SECTION("with an output root a corrupt payload writes nothing") {
    test::write_payload(dir / "c.jsonl", test::corrupt_payload());
    options.output_root = dir / "out";
    CHECK(verify_file("c", dir / "c.jsonl", options).error);
    CHECK_FALSE(std::filesystem::exists(dir / "out" / safe_name("c") / "kvonce-validation.json"));
  }
}

TEST_CASE("safe_name") {
  CHECK(safe_name("s3://bkt/kvonce-trace/2025/10/09/a b.json.gz")
            .rfind("s3___bkt_kvonce-trace_2025_10_09_a_b.json.gz-", 0) == 0);
  CHECK(safe_name("a/b") != safe_name("a_b"));  // same cleaned name, different hash suffix
  CHECK(safe_name("a/b") == safe_name("a/b"));
  const std::string long_name = safe_name(std::string(500, 'x') + "/end.json");
  CHECK(long_name.size() == 120 + 9);
  CHECK(long_name.find("_end.json-") != std::string::npos);
  CHECK(safe_name("../..").find('/') == std::string::npos);
}

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/fetch/metadata.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

TEST_CASE("metadata_json") {
  fetch::PayloadMetadata m;
  m.source_type = fetch::kSourceUrl;
  m.source_detail = "https://h/p.json?alt=media&X-Amz-Signature=s3cr3t";
  m.sha256 = std::string(64, 'a');
  m.size_bytes = 42;
  m.fetched_at = "2025-10-09T08:53:20.000Z";
  m.content_encoding = "gzip";
  m.attempts = 2;
  SECTION("fields in order, URL redacted as a last guard") {
    const std::string text = fetch::metadata_json(m, instant("2026-01-02T03:04:05.678Z"));
    CHECK_THAT(text, !Catch::Contains("s3cr3t"));
    const auto j = nlohmann::ordered_json::parse(text);
    std::vector<std::string> keys;
    for (const auto& item : j.items()) keys.push_back(item.key());
    CHECK(keys == std::vector<std::string>{"sourceType", "sourceDetail", "sha256", "sizeBytes",
                                           "fetchedAt", "contentEncoding", "attempts",
                                           "generatedAt", "tool"});
    CHECK(j["sourceDetail"] == "https://h/p.json?alt=media");
    CHECK(j["sizeBytes"] == 42);
    CHECK(j["fetchedAt"] == "2025-10-09T08:53:20.000Z");
    CHECK(j["contentEncoding"] == "gzip");
    CHECK(j["attempts"] == 2);
    CHECK(j["tool"]["name"] == "kvonce-trace");
    CHECK(j["tool"]["version"] == KVONCE_VERSION);
  }
  SECTION("optional counts and prefix objects") {
    m.decompressed_bytes = 1000;
    m.event_count = 4;
    m.content_encoding.clear();
    m.objects.push_back({"s3://b/k?token=t", "dir/k", std::string(64, 'b'), 7, "", 1});
    const auto j =
        nlohmann::json::parse(fetch::metadata_json(m, instant("2026-01-02T03:04:05.678Z")));
    CHECK(j["decompressedBytes"] == 1000);
    CHECK(j["eventCount"] == 4);
    CHECK(j["contentEncoding"] == "identity");
    REQUIRE(j["objects"].size() == 1);
    CHECK(j["objects"][0]["sourceDetail"] == "s3://b/k");
    CHECK(j["objects"][0]["path"] == "dir/k");
    CHECK(j["objects"][0]["contentEncoding"] == "identity");
  }
}

TEST_CASE("write_metadata") {
  TempDir dir;
  fetch::PayloadMetadata m;
  m.source_type = fetch::kSourceSample;
  fetch::write_metadata(dir / "sub" / "meta.json", m, instant("2026-01-02T03:04:05.678Z"));
  CHECK(nlohmann::json::parse(read_file(dir / "sub" / "meta.json"))["sourceType"] == "sample");
  CHECK(dir.files() == std::vector<std::string>{"sub/meta.json"});
  CHECK(fetch::default_metadata_path("a/b/p.json") ==
        std::filesystem::path("a/b/kvonce-payload-metadata.json"));
}

TEST_CASE("describe_local_file") {
  TempDir dir;
  write_file(dir / "p.gz", std::string("\x1f\x8b rest", 7));
  const auto m = fetch::describe_local_file(dir / "p.gz", "explicit", "p.gz");
  CHECK(m.size_bytes == 7);
  CHECK(m.content_encoding == "gzip");
  CHECK(m.sha256.size() == 64);
  CHECK(m.source_type == "explicit");
  CHECK_THROWS_AS(fetch::describe_local_file(dir / "missing", "explicit", "x"), Error);
}

TEST_CASE("sniff_content_encoding") {
  TempDir dir;
  write_file(dir / "g", std::string("\x1f\x8b\x08", 3));
  write_file(dir / "j", "{}");
  write_file(dir / "one", "\x1f");
  CHECK(fetch::sniff_content_encoding(dir / "g") == "gzip");
  CHECK(fetch::sniff_content_encoding(dir / "j") == "identity");
  CHECK(fetch::sniff_content_encoding(dir / "one") == "identity");
  CHECK(fetch::sniff_content_encoding(dir / "missing") == "identity");
}

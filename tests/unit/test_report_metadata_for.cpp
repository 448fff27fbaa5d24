// `report --metadata-for`: payload metadata for a payload that did not come through fetch.
#include <cstdlib>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/report/metadata_for.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::report;
using namespace kvonce::test;
namespace fs = std::filesystem;

const auto kNow = instant("2026-01-02T03:04:05.678Z");

TEST_CASE("write_metadata_for") {
  TempDir dir;
  const std::string payload = read_file(test_data("kvonce-otlp.json"));
  write_file(dir / "payload.json", payload);

  SECTION("hash, size and the event count verify found") {
    fs::copy(fs::path(KVONCE_TEST_DATA) / "report" / "invalid", dir / "trace",
             fs::copy_options::recursive);
    write_metadata_for({(dir / "payload.json").string(), "explicit", "payload.json"}, dir / "trace",
                       kNow);
    const auto m = nlohmann::json::parse(read_file(dir / "trace" / "kvonce-payload-metadata.json"));
    CHECK(m["sourceType"] == "explicit");
    CHECK(m["sourceDetail"] == "payload.json");
    CHECK(m["sha256"] == crypto::sha256_hex(payload));
    CHECK(m["sizeBytes"] == payload.size());
    CHECK(m["decompressedBytes"] == payload.size());
    CHECK(m["eventCount"] == 4);
    CHECK(m["tool"]["name"] == "kvonce-trace");
  }
  SECTION("before verify: no event count, and the trace directory is created") {
    write_metadata_for({(dir / "payload.json").string(), "sample", ""}, dir / "new" / "trace",
                       kNow);
    const auto m =
        nlohmann::json::parse(read_file(dir / "new" / "trace" / "kvonce-payload-metadata.json"));
    CHECK_FALSE(m.contains("eventCount"));
    CHECK(m["sourceDetail"] == (dir / "payload.json").string());
  }
  SECTION("a URL keeps host and path but loses its secrets") {
    write_metadata_for(
        {(dir / "payload.json").string(), "url",
         "https://user:hunter2@traces.example.com/p/kvonce.json?X-Amz-Signature=s3cr3t&"
         "X-Amz-Credential=AKIAX&token=tkn&v=2"},
        dir / "trace", kNow);
    const std::string text = read_file(dir / "trace" / "kvonce-payload-metadata.json");
    CHECK_THAT(text, Catch::Contains("traces.example.com/p/kvonce.json"));
    for (const char* secret : {"hunter2", "s3cr3t", "AKIAX", "tkn"})
      CHECK_THAT(text, !Catch::Contains(secret));
  }
  SECTION("a gzip payload: its inflated size") {
    REQUIRE(std::system(("gzip -c " + (dir / "payload.json").string() + " > " +
                         (dir / "p.json.gz").string())
                            .c_str()) == 0);
    write_metadata_for({(dir / "p.json.gz").string(), "artifact", "kvonce-payload"}, dir / "trace",
                       kNow);
    const auto m = nlohmann::json::parse(read_file(dir / "trace" / "kvonce-payload-metadata.json"));
    CHECK(m["contentEncoding"] == "gzip");
    CHECK(m["decompressedBytes"] == payload.size());
    CHECK(m["sizeBytes"] < payload.size());
  }
  SECTION("errors write nothing") {
    CHECK_THROWS_MATCHES(
        write_metadata_for({(dir / "payload.json").string(), "ftp", ""}, dir / "trace", kNow),
        Error, Catch::Matchers::Predicate<Error>([](const Error& e) {
          return e.kind() == ErrorKind::usage;
        }));
    CHECK_THROWS_MATCHES(
        write_metadata_for({(dir / "absent.json").string(), "explicit", ""}, dir / "trace", kNow),
        Error, Catch::Matchers::Predicate<Error>([](const Error& e) {
          return e.kind() == ErrorKind::input;
        }));
    CHECK_FALSE(fs::exists(dir / "trace"));
  }
}

// s3:// and gs:// URIs, the --date layout and where listed objects land.
#include <catch2/catch.hpp>

#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/util/error.hpp"

using namespace kvonce;
using namespace kvonce::cloud;

TEST_CASE("parse_object_uri") {
  SECTION("bucket and key") {
    const auto uri = parse_object_uri("s3://my-bucket/kvonce-trace/a b=1.json", "s3");
    CHECK(uri.bucket == "my-bucket");
    CHECK(uri.key == "kvonce-trace/a b=1.json");
    CHECK_FALSE(uri.is_prefix());
    CHECK(uri.str() == "s3://my-bucket/kvonce-trace/a b=1.json");
  }
  SECTION("prefixes end in '/', a bare bucket is the whole bucket") {
    CHECK(parse_object_uri("gs://b/p/", "gs").is_prefix());
    CHECK(parse_object_uri("gs://b", "gs").is_prefix());
    CHECK(parse_object_uri("gs://b", "gs").key.empty());
  }
  SECTION("'?' and '#' belong to the key") {
    CHECK(parse_object_uri("s3://b/what?#.json", "s3").key == "what?#.json");
    CHECK(parse_object_uri("s3://b/a?x=1", "s3").key == "a?x=1");
  }
  SECTION("wrong scheme, empty bucket, bad characters, presigned query: usage errors") {
    for (const char* bad : {"gs://b/k", "s3:///k", "s3://b@x/k", "s3://b/k?X-Amz-Signature=1",
                            "https://b/k?a=1&X-Goog-Signature=abc", "https://b/k"}) {
      try {
        parse_object_uri(bad, "s3");
        FAIL(bad);
      } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK(std::string(e.what()).find("Signature=") == std::string::npos);
      }
    }
  }
}

TEST_CASE("date_prefix") {
  SECTION("a valid date") {
    CHECK(date_prefix("2025-10-09") == "kvonce-trace/2025/10/09/");
  }
  SECTION("leap days") {
    CHECK(date_prefix("2024-02-29") == "kvonce-trace/2024/02/29/");
    CHECK_THROWS_AS(date_prefix("2025-02-29"), Error);
    CHECK_THROWS_AS(date_prefix("1900-02-29"), Error);
  }
  SECTION("malformed dates") {
    for (const char* bad :
         {"2025-13-01", "2025-04-31", "2025-1-01", "20251009", "", "2025-10-0x"}) {
      CHECK_THROWS_AS(date_prefix(bad), Error);
    }
  }
}

TEST_CASE("with_date_prefix") {
  SECTION("bucket or prefix") {
    CHECK(with_date_prefix("s3://b", "2025-10-09") == "s3://b/kvonce-trace/2025/10/09/");
    CHECK(with_date_prefix("gs://b/", "2025-10-09") == "gs://b/kvonce-trace/2025/10/09/");
    CHECK(with_date_prefix("s3://b/base/", "2025-10-09") == "s3://b/base/kvonce-trace/2025/10/09/");
  }
  SECTION("an object URI cannot take a date") {
    CHECK_THROWS_AS(with_date_prefix("s3://b/object.json", "2025-10-09"), Error);
  }
}

TEST_CASE("local_path_for") {
  const std::filesystem::path dir = "out";
  SECTION("the key after the prefix, subdirectories kept") {
    CHECK(local_path_for(dir, "p/", "p/a/b.json") == dir / "a" / "b.json");
    CHECK(local_path_for(dir, "", "x.json") == dir / "x.json");
  }
  SECTION("names that could escape or collide are refused") {
    for (const char* bad : {"p/../x", "p/./x", "p/a//b", "p/", "p/a\\b", "p/..", "p//etc"}) {
      try {
        local_path_for(dir, "p/", bad);
        FAIL(bad);
      } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::input);
      }
    }
  }
  SECTION("a key outside the prefix is refused") {
    CHECK_THROWS_AS(local_path_for(dir, "p/", "q/x"), Error);
  }
}

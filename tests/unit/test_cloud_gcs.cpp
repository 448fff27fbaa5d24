// GCS JSON API requests (objects.get alt=media, objects.list pageToken) with a fake transport.
#include <catch2/catch.hpp>

#include "kvonce/cloud/gcs.hpp"
#include "kvonce/util/error.hpp"

#include "cloud_fake_transport.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::cloud;
using kvonce::test::FakeTransport;
using kvonce::test::header_of;
using kvonce::test::respond;

namespace {
const Environment kToken = environment_from(
    {{"GOOGLE_OAUTH_ACCESS_TOKEN", "ya29.test"}, {"KVONCE_GCS_API_URL", "http://127.0.0.1:7000/"}});

// The store's calls as these tests use them: a URI and the settings in one struct.
struct GcsOptions : StoreSettings {
  std::string uri;
};

ObjectFetch fetch_gcs_object(const GcsOptions& o, const Environment& env, net::HttpTransport& t,
                             const std::filesystem::path& target,
                             const transfer::DownloadPolicy& policy) {
  return fetch_store_object(*open_gcs_store(env, o, policy), parse_store_uri(o.uri), t, target);
}

std::vector<ObjectFetch> fetch_gcs_prefix(const GcsOptions& o, const Environment& env,
                                          net::HttpTransport& t, const std::filesystem::path& dir,
                                          const transfer::DownloadPolicy& policy) {
  return fetch_store_prefix(*open_gcs_store(env, o, policy), parse_store_uri(o.uri), t,
                            OutputDir::as_named(dir));
}

std::vector<std::string> list_gcs_objects(const GcsOptions& o, const Environment& env,
                                          net::HttpTransport& t,
                                          const transfer::DownloadPolicy& policy,
                                          const ListingScope& scope) {
  return open_gcs_store(env, o, policy)->list(parse_store_uri(o.uri), t, scope);
}

}  // namespace

TEST_CASE("fetch_gcs_object") {
  test::TempDir dir;
  GcsOptions options;
  options.uri = "gs://bkt/dir/a b=\xC3\xA9+.json";

  SECTION("the object name is one fully encoded segment, alt=media, bearer token") {
    FakeTransport gcs([](const net::HttpRequest&) { return respond(200, "payload"); });
    const auto got = fetch_gcs_object(options, kToken, gcs, dir / "p.json", test::quick_policy());
    REQUIRE(gcs.requests.size() == 1);
    CHECK(gcs.requests[0].url ==
          "http://127.0.0.1:7000/storage/v1/b/bkt/o/dir%2Fa%20b%3D%C3%A9%2B.json?alt=media");
    CHECK(header_of(gcs.requests[0], "authorization") == "Bearer ya29.test");
    CHECK(header_of(gcs.requests[0], "accept-encoding") == "gzip");  // the bytes as stored
    CHECK(test::read_file(dir / "p.json") == "payload");
    CHECK(got.source_detail == "gs://bkt/dir/a b=\xC3\xA9+.json");
  }
  SECTION("the API URL option wins over KVONCE_GCS_API_URL") {
    options.api_url = "http://127.0.0.1:7001";
    FakeTransport gcs([](const net::HttpRequest&) { return respond(200, "payload"); });
    fetch_gcs_object(options, kToken, gcs, dir / "p.json", test::quick_policy());
    CHECK(gcs.requests.at(0).url.rfind("http://127.0.0.1:7001/storage/v1/b/bkt/o/", 0) == 0);
  }
  SECTION("401: auth error without the token, no file") {
    FakeTransport gcs([](const net::HttpRequest&) {
      return respond(401, R"({"error":{"code":401,"message":"Invalid Credentials",)"
                          R"("errors":[{"reason":"authError"}]}})");
    });
    try {
      fetch_gcs_object(options, kToken, gcs, dir / "p.json", test::quick_policy());
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(std::string(e.what()).find("ya29.test") == std::string::npos);
      CHECK(std::string(e.what()).find("Invalid Credentials") != std::string::npos);
    }
    CHECK(dir.files().empty());
  }
  SECTION("no credentials: auth error before any request") {
    FakeTransport gcs([](const net::HttpRequest&) { return respond(200, ""); });
    CHECK_THROWS_AS(
        fetch_gcs_object(options, environment_from({}), gcs, dir / "p.json", test::quick_policy()),
        Error);
    CHECK(gcs.requests.empty());
  }
}

TEST_CASE("fetch_gcs_prefix") {
  test::TempDir dir;
  GcsOptions options;
  options.uri = "gs://bkt/kvonce-trace/2025/10/09/";

  SECTION("objects.list with pageToken, then every object") {
    FakeTransport gcs([](const net::HttpRequest& r) {
      if (r.url.find("alt=media") != std::string::npos) return respond(200, "object");
      if (r.url.find("pageToken") == std::string::npos) {
        return respond(200, R"({"kind":"storage#objects","nextPageToken":"page 2/=",
          "items":[{"name":"kvonce-trace/2025/10/09/a.json","size":"6"},
                   {"name":"kvonce-trace/2025/10/09/sub/"}]})");
      }
      return respond(200, R"({"items":[{"name":"kvonce-trace/2025/10/09/sub/b.json"}]})");
    });
    const auto got = fetch_gcs_prefix(options, kToken, gcs, dir / "out", test::quick_policy());
    REQUIRE(got.size() == 2);
    CHECK(test::read_file(dir / "out" / "a.json") == "object");
    CHECK(test::read_file(dir / "out" / "sub" / "b.json") == "object");
    REQUIRE(gcs.requests.size() == 4);
    CHECK(gcs.requests[0].url ==
          "http://127.0.0.1:7000/storage/v1/b/bkt/o?prefix=kvonce-trace%2F2025%2F10%2F09%2F");
    CHECK(gcs.requests[1].url ==
          "http://127.0.0.1:7000/storage/v1/b/bkt/o?prefix=kvonce-trace%2F2025%2F10%2F09%2F"
          "&pageToken=page%202%2F%3D");
    CHECK(gcs.requests[3].url ==
          "http://127.0.0.1:7000/storage/v1/b/bkt/o/kvonce-trace%2F2025%2F10%2F09%2Fsub%2Fb.json"
          "?alt=media");
  }
  SECTION("an empty listing is an input error") {
    FakeTransport gcs([](const net::HttpRequest&) { return respond(200, R"({"kind":"x"})"); });
    try {
      fetch_gcs_prefix(options, kToken, gcs, dir / "out", test::quick_policy());
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::input);
    }
  }
}

TEST_CASE("list_gcs_objects: page tokens that cycle A, B, A are a fetch error, not a loop") {
  GcsOptions options;
  options.uri = "gs://bkt/p/";
  FakeTransport gcs([n = 0](const net::HttpRequest& r) mutable {
    if (++n > 50) throw std::runtime_error("the listing did not stop");
    const std::string next = r.url.find("pageToken=A") != std::string::npos ? "B" : "A";
    return respond(200, R"({"items":[{"name":"p/)" + std::to_string(n) +
                            R"(.json"}],"nextPageToken":")" + next + "\"}");
  });
  try {
    list_gcs_objects(options, kToken, gcs, test::quick_policy(), ListingScope{});
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::fetch);
    CHECK_THAT(std::string(e.what()), Catch::Contains("GCS objects.list gs://bkt/p/"));
    CHECK_THAT(std::string(e.what()), Catch::Contains("repeats a continuation token"));
  }
  CHECK(gcs.requests.size() == 3);
}

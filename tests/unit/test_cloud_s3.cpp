// The S3 backend: GetObject and ListObjectsV2 requests, with a fake transport standing in for S3.
#include <catch2/catch.hpp>

#include "kvonce/cloud/s3.hpp"
#include "kvonce/cloud/sigv4.hpp"
#include "kvonce/util/error.hpp"

#include "cloud_fake_transport.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::cloud;
using kvonce::test::FakeTransport;
using kvonce::test::header_of;
using kvonce::test::respond;

namespace {

const Environment kKeys = environment_from({{"AWS_ACCESS_KEY_ID", "AKIDTEST"},
                                            {"AWS_SECRET_ACCESS_KEY", "test-secret"},
                                            {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"},
                                            {"AWS_REGION", "eu-west-3"}});

// The signature S3 would compute for a GET of `encoded_path` with `query`, from the headers the
// client sent: what a server recomputes.
std::string expected_signature(const net::HttpRequest& r, const std::string& host,
                               const std::string& encoded_path, const QueryParams& query) {
  SigV4Request request;
  request.host = host;
  request.encoded_path = encoded_path;
  request.query = query;
  const std::string date = header_of(r, "x-amz-date");
  return sign_v4(request,
                 {"AKIDTEST", "test-secret",
                  header_of(r, "x-amz-security-token") == "<absent>"
                      ? ""
                      : header_of(r, "x-amz-security-token"),
                  ""},
                 "eu-west-3", "s3", date)
      .authorization;
}

std::string list_page(const std::vector<std::string>& keys, const std::string& next) {
  std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bkt</Name>)";
  for (const auto& key : keys) xml += "<Contents><Key>" + key + "</Key><Size>3</Size></Contents>";
  xml += next.empty() ? "<IsTruncated>false</IsTruncated>"
                      : "<IsTruncated>true</IsTruncated><NextContinuationToken>" + next +
                            "</NextContinuationToken>";
  return xml + "</ListBucketResult>";
}

// The store's calls as these tests use them: a URI and the settings in one struct.
struct S3Options : StoreSettings {
  std::string uri;
};

ObjectFetch fetch_s3_object(const S3Options& o, const Environment& env, net::HttpTransport& t,
                            const std::filesystem::path& target,
                            const transfer::DownloadPolicy& policy) {
  return fetch_store_object(*open_s3_store(env, o, policy), parse_store_uri(o.uri), t, target);
}

std::vector<ObjectFetch> fetch_s3_prefix(const S3Options& o, const Environment& env,
                                         net::HttpTransport& t, const std::filesystem::path& dir,
                                         const transfer::DownloadPolicy& policy) {
  return fetch_store_prefix(*open_s3_store(env, o, policy), parse_store_uri(o.uri), t,
                            OutputDir::as_named(dir));
}

std::vector<std::string> list_s3_objects(const S3Options& o, const Environment& env,
                                         net::HttpTransport& t,
                                         const transfer::DownloadPolicy& policy,
                                         const ListingScope& scope) {
  return open_s3_store(env, o, policy)->list(parse_store_uri(o.uri), t, scope);
}

}  // namespace

TEST_CASE("fetch_s3_object") {
  test::TempDir dir;
  S3Options options;
  options.uri = "s3://bkt/year=2025/a b\xC3\xA9.json";

  SECTION("path-style GET, key encoded once, signed with UNSIGNED-PAYLOAD") {
    FakeTransport s3([](const net::HttpRequest&) { return respond(200, "abc"); });
    const auto got = fetch_s3_object(options, kKeys, s3, dir / "p.json", test::quick_policy());
    REQUIRE(s3.requests.size() == 1);
    const auto& r = s3.requests[0];
    CHECK(r.method == "GET");
    CHECK(r.url == "http://127.0.0.1:9000/bkt/year%3D2025/a%20b%C3%A9.json");
    CHECK(header_of(r, "x-amz-content-sha256") == "UNSIGNED-PAYLOAD");
    CHECK(header_of(r, "authorization") ==
          expected_signature(r, "127.0.0.1:9000", "/bkt/year%3D2025/a%20b%C3%A9.json", {}));
    CHECK(header_of(r, "authorization").find("Credential=AKIDTEST/") != std::string::npos);
    CHECK(test::read_file(dir / "p.json") == "abc");
    CHECK(got.download.sha256 ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(got.source_detail == "s3://bkt/year=2025/a b\xC3\xA9.json");
  }
  SECTION("virtual-hosted with the resolve override passed to the transport") {
    options.endpoint = "http://s3.localhost:9000";
    options.resolve = {"bkt.s3.localhost:9000:127.0.0.1"};
    FakeTransport s3([](const net::HttpRequest&) { return respond(200, "abc"); });
    fetch_s3_object(options, kKeys, s3, dir / "p.json", test::quick_policy());
    const auto& r = s3.requests.at(0);
    CHECK(r.url == "http://bkt.s3.localhost:9000/year%3D2025/a%20b%C3%A9.json");
    CHECK(r.resolve == options.resolve);
    CHECK(header_of(r, "authorization") ==
          expected_signature(r, "bkt.s3.localhost:9000", "/year%3D2025/a%20b%C3%A9.json", {}));
  }
  SECTION("a session token is sent and signed") {
    FakeTransport s3([](const net::HttpRequest&) { return respond(200, "abc"); });
    fetch_s3_object(options,
                    environment_from({{"AWS_ACCESS_KEY_ID", "AKIDTEST"},
                                      {"AWS_SECRET_ACCESS_KEY", "test-secret"},
                                      {"AWS_SESSION_TOKEN", "tok"},
                                      {"AWS_ENDPOINT_URL", "http://127.0.0.1:9000"},
                                      {"AWS_REGION", "eu-west-3"}}),
                    s3, dir / "p.json", test::quick_policy());
    const auto& r = s3.requests.at(0);
    CHECK(header_of(r, "x-amz-security-token") == "tok");
    CHECK(header_of(r, "authorization").find("x-amz-security-token") != std::string::npos);
  }
  SECTION("every attempt is signed afresh (SlowDown, then success)") {
    int calls = 0;
    FakeTransport s3([&](const net::HttpRequest&) {
      return ++calls == 1 ? respond(503, "<Error><Code>SlowDown</Code></Error>")
                          : respond(200, "x");
    });
    const auto got = fetch_s3_object(options, kKeys, s3, dir / "p.json", test::quick_policy());
    CHECK(got.download.attempts == 2);
    REQUIRE(s3.requests.size() == 2);
    for (const auto& r : s3.requests) {
      CHECK(header_of(r, "authorization") ==
            expected_signature(r, "127.0.0.1:9000", "/bkt/year%3D2025/a%20b%C3%A9.json", {}));
    }
  }
  SECTION("SignatureDoesNotMatch: auth error, no file, no secret in the message") {
    FakeTransport s3([](const net::HttpRequest&) {
      return respond(403,
                     "<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature "
                     "we calculated does not match</Message></Error>");
    });
    try {
      fetch_s3_object(options, kKeys, s3, dir / "p.json", test::quick_policy());
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(std::string(e.what()).find("SignatureDoesNotMatch") != std::string::npos);
      CHECK(std::string(e.what()).find("test-secret") == std::string::npos);
    }
    CHECK(s3.requests.size() == 1);
    CHECK(dir.files().empty());
  }
  SECTION("a prefix URI or a dot segment is a usage error, before any request") {
    FakeTransport s3([](const net::HttpRequest&) { return respond(200, ""); });
    for (const char* uri : {"s3://bkt/dir/", "s3://bkt/a/../b", "s3://bkt/./b"}) {
      options.uri = uri;
      try {
        fetch_s3_object(options, kKeys, s3, dir / "p.json", test::quick_policy());
        FAIL(uri);
      } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
      }
    }
    CHECK(s3.requests.empty());
  }
}

TEST_CASE("fetch_s3_prefix") {
  test::TempDir dir;
  S3Options options;
  options.uri = "s3://bkt/kvonce-trace/2025/10/09/";

  SECTION("ListObjectsV2 with continuation, then every object into the directory") {
    FakeTransport s3([](const net::HttpRequest& r) {
      if (r.url.find("list-type=2") == std::string::npos) {
        return respond(200, "body of " + r.url.substr(r.url.rfind('/') + 1));
      }
      if (r.url.find("continuation-token") == std::string::npos) {
        return respond(200, list_page({"kvonce-trace/2025/10/09/", "kvonce-trace/2025/10/09/a.json",
                                       "kvonce-trace/2025/10/09/sub/b&amp;c.json"},
                                      "next/token=1"));
      }
      return respond(200, list_page({"kvonce-trace/2025/10/09/z.json.gz"}, ""));
    });
    const auto got = fetch_s3_prefix(options, kKeys, s3, dir / "out", test::quick_policy());
    REQUIRE(got.size() == 3);
    CHECK(got[0].source_detail == "s3://bkt/kvonce-trace/2025/10/09/a.json");
    CHECK(got[1].source_detail == "s3://bkt/kvonce-trace/2025/10/09/sub/b&c.json");
    CHECK(test::read_file(dir / "out" / "a.json") == "body of a.json");
    CHECK(test::read_file(dir / "out" / "sub" / "b&c.json") == "body of b%26c.json");
    CHECK(test::read_file(dir / "out" / "z.json.gz") == "body of z.json.gz");
    REQUIRE(s3.requests.size() == 5);
    CHECK(s3.requests[0].url ==
          "http://127.0.0.1:9000/bkt/?list-type=2&prefix=kvonce-trace%2F2025%2F10%2F09%2F");
    CHECK(s3.requests[1].url ==
          "http://127.0.0.1:9000/bkt/?continuation-token=next%2Ftoken%3D1&list-type=2&"
          "prefix=kvonce-trace%2F2025%2F10%2F09%2F");
    CHECK(header_of(s3.requests[1], "authorization") ==
          expected_signature(s3.requests[1], "127.0.0.1:9000", "/bkt/",
                             {{"list-type", "2"},
                              {"prefix", "kvonce-trace/2025/10/09/"},
                              {"continuation-token", "next/token=1"}}));
  }
  SECTION("a failed object removes the files already fetched") {
    FakeTransport s3([](const net::HttpRequest& r) {
      if (r.url.find("list-type=2") != std::string::npos) {
        return respond(
            200,
            list_page({"kvonce-trace/2025/10/09/a.json", "kvonce-trace/2025/10/09/b.json"}, ""));
      }
      if (r.url.find("b.json") != std::string::npos) {
        return respond(404, "<Error><Code>NoSuchKey</Code></Error>");
      }
      return respond(200, "a");
    });
    try {
      fetch_s3_prefix(options, kKeys, s3, dir / "out", test::quick_policy());
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(std::string(e.what()).find("NoSuchKey") != std::string::npos);
    }
    CHECK(dir.files().empty());
  }
  SECTION("an empty listing is an input error") {
    FakeTransport s3([](const net::HttpRequest&) { return respond(200, list_page({}, "")); });
    try {
      fetch_s3_prefix(options, kKeys, s3, dir / "out", test::quick_policy());
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::input);
    }
  }
  SECTION("a listing refused by S3 names the code") {
    FakeTransport s3([](const net::HttpRequest&) {
      return respond(403,
                     "<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>");
    });
    try {
      fetch_s3_prefix(options, kKeys, s3, dir / "out", test::quick_policy());
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK(std::string(e.what()).find("AccessDenied") != std::string::npos);
      CHECK(std::string(e.what()).find("s3:ListBucket") != std::string::npos);
    }
  }
  SECTION("a listed key escaping the directory is refused before any download") {
    FakeTransport s3([](const net::HttpRequest& r) {
      CHECK(r.url.find("list-type=2") != std::string::npos);
      return respond(200, list_page({"kvonce-trace/2025/10/09/../../x"}, ""));
    });
    CHECK_THROWS_AS(fetch_s3_prefix(options, kKeys, s3, dir / "out", test::quick_policy()), Error);
    CHECK(s3.requests.size() == 1);
  }
  SECTION("a truncated listing repeating its token is an error, not a loop") {
    FakeTransport s3([](const net::HttpRequest&) {
      return respond(200, list_page({"kvonce-trace/2025/10/09/a"}, "same"));
    });
    CHECK_THROWS_AS(fetch_s3_prefix(options, kKeys, s3, dir / "out", test::quick_policy()), Error);
    CHECK(s3.requests.size() == 2);
  }
  SECTION("an object URI is not a prefix") {
    options.uri = "s3://bkt/a.json";
    FakeTransport s3([](const net::HttpRequest&) { return respond(200, ""); });
    CHECK_THROWS_AS(fetch_s3_prefix(options, kKeys, s3, dir / "out", test::quick_policy()), Error);
  }
}

TEST_CASE("list_s3_objects: the scope decides what is kept and counted") {
  S3Options options;
  options.uri = "s3://bkt/p/";
  FakeTransport s3([](const net::HttpRequest& r) {
    if (r.url.find("continuation-token") == std::string::npos) {
      return respond(200, list_page({"p/", "p/a.json", "p/notes.txt", "p/b.json"}, "t2"));
    }
    return respond(200, list_page({"p/c.json", "p/d.txt"}, ""));
  });
  ListingScope scope;
  scope.keep = [](std::string_view name) { return name.ends_with(".json"); };
  SECTION("kept names only, folder markers never, every page followed") {
    CHECK(list_s3_objects(options, kKeys, s3, test::quick_policy(), scope) ==
          std::vector<std::string>{"p/a.json", "p/b.json", "p/c.json"});
    CHECK(s3.requests.size() == 2);
  }
  SECTION("more kept names than the scope's max: a limit error in its words") {
    scope.max = 2;
    scope.too_many = "payloads; narrow it";
    try {
      list_s3_objects(options, kKeys, s3, test::quick_policy(), scope);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::limit);
      CHECK_THAT(std::string(e.what()), Catch::Contains("more than 2 payloads; narrow it"));
    }
    CHECK(s3.requests.size() == 2);  // the first page held 2 kept names: not over yet
  }
}

TEST_CASE("list_s3_objects: tokens that cycle or never end are a fetch error, not a loop") {
  S3Options options;
  options.uri = "s3://bkt/p/";
  // Answers with the token after the one asked for; a runaway listing trips the guard instead of
  // hanging the test.
  const auto paging = [](std::vector<std::string> cycle, bool endless) {
    return [cycle, endless, n = std::size_t{0}](const net::HttpRequest& r) mutable {
      if (++n > 50) throw std::runtime_error("the listing did not stop");
      if (endless) return respond(200, list_page({}, "fresh-" + std::to_string(n)));
      std::size_t at = 0;
      for (std::size_t i = 0; i < cycle.size(); ++i) {
        if (r.url.find("continuation-token=" + cycle[i] + "&") != std::string::npos) at = i + 1;
      }
      return respond(200,
                     list_page({"p/" + std::to_string(n) + ".json"}, cycle[at % cycle.size()]));
    };
  };
  const auto expect_fetch_error = [&](FakeTransport& s3, const ListingScope& scope,
                                      const std::string& words) {
    try {
      list_s3_objects(options, kKeys, s3, test::quick_policy(), scope);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::fetch);
      CHECK_THAT(std::string(e.what()), Catch::Contains("S3 ListObjectsV2 s3://bkt/p/"));
      CHECK_THAT(std::string(e.what()), Catch::Contains(words));
    }
  };
  SECTION("A, B, A: the third page repeats the first token") {
    FakeTransport s3(paging({"A", "B"}, false));
    expect_fetch_error(s3, ListingScope{}, "repeats a continuation token");
    CHECK(s3.requests.size() == 3);
  }
  SECTION("a fresh token on every empty page: stopped at the page bound") {
    FakeTransport s3(paging({}, true));
    ListingScope scope;
    scope.max_pages = 5;
    expect_fetch_error(s3, scope, "more than 5 pages");
    CHECK(s3.requests.size() == 5);
  }
}

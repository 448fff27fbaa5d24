#include <catch2/catch.hpp>

#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"

using namespace kvonce;
using namespace kvonce::net;

TEST_CASE("parse_url") {
  SECTION("every part") {
    const auto url = parse_url("HTTPS://user:pw@Example.COM:8443/a/b%3Dc?x=1&y=2#frag");
    REQUIRE(url);
    CHECK(url->scheme == "https");
    CHECK(url->userinfo == "user:pw");
    CHECK(url->host == "example.com");
    CHECK(url->port == 8443);
    CHECK(url->path == "/a/b%3Dc");
    CHECK(url->query == "x=1&y=2");
    CHECK(url->fragment == "frag");
    CHECK(url->origin() == "https://example.com:8443");
  }
  SECTION("default ports and empty path") {
    CHECK(parse_url("https://h")->effective_port() == 443);
    CHECK(parse_url("http://h?q")->effective_port() == 80);
    CHECK(parse_url("http://h?q")->path.empty());
    CHECK(parse_url("http://h?q")->query == "q");
  }
  SECTION("IPv6 literal") {
    const auto url = parse_url("http://[::1]:9000/x");
    REQUIRE(url);
    CHECK(url->host == "::1");
    CHECK(url->port == 9000);
    CHECK(url->host_for_url() == "[::1]");
  }
  SECTION("not URLs") {
    CHECK_FALSE(parse_url("example.com/path"));
    CHECK_FALSE(parse_url("https://"));
    CHECK_FALSE(parse_url("https://host:99999/"));
    CHECK_FALSE(parse_url("https://host:12ab/"));
    CHECK_FALSE(parse_url("https://[::1/"));
    CHECK_FALSE(parse_url("1https://host/"));
    CHECK_FALSE(parse_url("https://ho st/"));
  }
}

TEST_CASE("is_loopback_host") {
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("127.255.3.4"));
  CHECK(is_loopback_host("::1"));
  CHECK(is_loopback_host("[::1]"));
  CHECK(is_loopback_host("::ffff:127.0.0.1"));
  CHECK(is_loopback_host("LocalHost"));
  CHECK(is_loopback_host("localhost."));
  CHECK_FALSE(is_loopback_host("128.0.0.1"));
  CHECK_FALSE(is_loopback_host("10.0.0.1"));
  CHECK_FALSE(is_loopback_host("localhost.example.com"));
  CHECK_FALSE(is_loopback_host("127.0.0.1.nip.io"));
  CHECK_FALSE(is_loopback_host("::2"));
}

TEST_CASE("outbound_violation") {
  const OutboundPolicy strict;
  SECTION("https anywhere, http only to loopback hosts") {
    CHECK_FALSE(outbound_violation("https://example.com/x", strict));
    CHECK_FALSE(outbound_violation("http://127.0.0.1:8080/x", strict));
    CHECK_FALSE(outbound_violation("http://localhost/x", strict));
    const auto reason = outbound_violation("http://example.com/x", strict);
    REQUIRE(reason);
    CHECK_THAT(*reason, Catch::Contains("--allow-http"));
  }
  SECTION("--allow-http permits plain http elsewhere") {
    OutboundPolicy lax;
    lax.allow_plain_http = true;
    CHECK_FALSE(outbound_violation("http://example.com/x", lax));
  }
  SECTION("other schemes and userinfo are refused") {
    CHECK(outbound_violation("ftp://example.com/x", strict));
    CHECK(outbound_violation("file:///etc/passwd", strict));
    const auto reason = outbound_violation("https://user:secretpw@example.com/", strict);
    REQUIRE(reason);
    CHECK_THAT(*reason, !Catch::Contains("secretpw"));
  }
  SECTION("KVONCE_ALLOWED_HOSTS restricts hosts, with *.domain patterns") {
    const auto policy = outbound_policy_from(
        environment_from({{"KVONCE_ALLOWED_HOSTS", " Example.com , *.amazonaws.com,127.0.0.1"}}),
        false);
    CHECK_FALSE(outbound_violation("https://example.com/", policy));
    CHECK_FALSE(outbound_violation("https://bucket.s3.amazonaws.com/k", policy));
    CHECK_FALSE(outbound_violation("http://127.0.0.1:9/", policy));
    CHECK(outbound_violation("https://amazonaws.com/", policy));
    CHECK(outbound_violation("https://www.example.com/", policy));
    CHECK(outbound_violation("http://localhost:9/", policy));
  }
  SECTION("check_outbound throws a usage error quoting the URL redacted") {
    try {
      check_outbound("http://example.com/p?X-Amz-Signature=deadbeef", strict);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::usage);
      CHECK_THAT(e.what(), Catch::Contains("http://example.com/p"));
      CHECK_THAT(e.what(), !Catch::Contains("deadbeef"));
    }
  }
}

TEST_CASE("redact_url") {
  SECTION("presigned S3 URL keeps host, path and harmless parameters") {
    CHECK(redact_url("https://b.s3.amazonaws.com/year%3D2025/p.json?X-Amz-Algorithm=AWS4-HMAC-"
                     "SHA256&X-Amz-Credential=AKIA%2F20250101&X-Amz-Date=20250101T000000Z&X-Amz-"
                     "Expires=900&X-Amz-SignedHeaders=host&X-Amz-Security-Token=tok&X-Amz-"
                     "Signature=abc123") ==
          "https://b.s3.amazonaws.com/year%3D2025/p.json?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-"
          "Date=20250101T000000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host");
  }
  SECTION("GCS signed URL and generic tokens, any case") {
    CHECK(redact_url("https://storage.googleapis.com/b/o?x-goog-signature=1&X-GOOG-CREDENTIAL=2&"
                     "alt=media") == "https://storage.googleapis.com/b/o?alt=media");
    CHECK(redact_url("https://h/p?sig=1&Signature=2&token=3&access_token=4&key=5&code=6&"
                     "client_secret=7&refresh_token=8&page=2") == "https://h/p?page=2");
  }
  SECTION("userinfo and fragment are dropped, port kept") {
    CHECK(redact_url("https://user:pw@h:8443/p#token=x") == "https://h:8443/p");
  }
  SECTION("percent-encoded parameter names are recognised") {
    CHECK(redact_url("https://h/p?X%2DAmz%2DSignature=1&a=b") == "https://h/p?a=b");
  }
  SECTION("text that is not a URL loses query and userinfo") {
    CHECK(redact_url("not a url?token=1") == "not a url");
    CHECK(redact_url("s3://user:pw@bucket key?x") == "s3://bucket key");
  }
}

TEST_CASE("redact_url: a semicolon separates query parameters as an ampersand does") {
  CHECK(redact_url("https://h/p?a=1;X-Amz-Signature=abc") == "https://h/p?a=1");
  CHECK(redact_url("https://h/p?X-Amz-Credential=k;b=2&sig=s;c=3") == "https://h/p?b=2;c=3");
  CHECK(redact_url("https://h/p?a=1;b=2&c=3") == "https://h/p?a=1;b=2&c=3");
  CHECK(redact_url("https://h/p?;;token=t;;") == "https://h/p");
  CHECK(redact_source("s3://b/k?x=1;X-Amz-Security-Token=t") == "s3://b/k?x=1");
  CHECK(redact_source("local/file?;token=kept.json") == "local/file?;token=kept.json");
}

TEST_CASE("is_secret_query_parameter") {
  CHECK(is_secret_query_parameter("X-Amz-Signature"));
  CHECK(is_secret_query_parameter("x-amz-credential"));
  CHECK(is_secret_query_parameter("X-Amz-Security-Token"));
  CHECK(is_secret_query_parameter("id_token"));
  CHECK(is_secret_query_parameter("GoogleAccessId"));
  CHECK(is_secret_query_parameter("password"));
  CHECK_FALSE(is_secret_query_parameter("X-Amz-Date"));
  CHECK_FALSE(is_secret_query_parameter("alt"));
  CHECK_FALSE(is_secret_query_parameter("name"));
}

TEST_CASE("percent_encode") {
  CHECK(percent_encode("a b/c=d~é") == "a%20b%2Fc%3Dd~%C3%A9");
  CHECK(percent_encode("a b/c", "/") == "a%20b/c");
  CHECK(percent_decode("a%20b%2fc%zz+") == "a b/c%zz+");
  CHECK(percent_decode("a+b", true) == "a b");
  CHECK(percent_decode("%4") == "%4");
}

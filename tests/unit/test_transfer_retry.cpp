#include <catch2/catch.hpp>

#include "kvonce/transfer/retry.hpp"

#include "fetch_scripted_transport.hpp"

using namespace kvonce;
using namespace kvonce::test;
using namespace kvonce::test::script;
using std::chrono::milliseconds;

namespace {

net::HttpResponse response(long status, std::string body = {}, net::Headers headers = {}) {
  net::HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

Error error_of(const net::HttpResponse& r, const std::string& hint = {}) {
  try {
    transfer::throw_http_error(r, "src", std::chrono::system_clock::now(), hint);
  } catch (const Error& e) {
    return e;
  }
  return Error(ErrorKind::internal, "unreachable");
}

}  // namespace

TEST_CASE("retry_after") {
  const auto now = std::chrono::system_clock::from_time_t(784111777);  // Sun, 06 Nov 1994 08:49:37
  SECTION("delta seconds") {
    CHECK(transfer::retry_after(response(429, "", {{"retry-after", " 7 "}}), now) ==
          milliseconds(7000));
  }
  SECTION("HTTP date, relative to now, never negative") {
    CHECK(transfer::retry_after(
              response(503, "", {{"retry-after", "Sun, 06 Nov 1994 08:49:47 GMT"}}), now) ==
          milliseconds(10000));
    CHECK(transfer::retry_after(
              response(503, "", {{"retry-after", "Sun, 06 Nov 1994 08:49:00 GMT"}}), now) ==
          milliseconds(0));
  }
  SECTION("absent or unparseable") {
    CHECK_FALSE(transfer::retry_after(response(503), now));
    CHECK_FALSE(transfer::retry_after(response(503, "", {{"retry-after", "soon"}}), now));
    CHECK_FALSE(transfer::retry_after(response(503, "", {{"retry-after", "-3"}}), now));
  }
}

TEST_CASE("is_retryable_response") {
  CHECK(transfer::is_retryable_response(response(500)));
  CHECK(transfer::is_retryable_response(response(503)));
  CHECK(transfer::is_retryable_response(response(429)));
  CHECK(transfer::is_retryable_response(response(403, "", {{"retry-after", "1"}})));
  CHECK(transfer::is_retryable_response(response(403, "", {{"x-ratelimit-remaining", "0"}})));
  CHECK(transfer::is_retryable_response(response(400, "<Error><Code>SlowDown</Code></Error>")));
  CHECK_FALSE(transfer::is_retryable_response(response(200)));
  CHECK_FALSE(transfer::is_retryable_response(response(501)));
  CHECK_FALSE(transfer::is_retryable_response(response(401)));
  CHECK_FALSE(transfer::is_retryable_response(response(403)));
  CHECK_FALSE(
      transfer::is_retryable_response(response(403, "", {{"x-ratelimit-remaining", "12"}})));
  CHECK_FALSE(transfer::is_retryable_response(response(404)));
}

TEST_CASE("parse_service_error") {
  SECTION("S3 XML, entities decoded") {
    const auto e = transfer::parse_service_error(response(
        403,
        "<Error>\n <Code>SignatureDoesNotMatch</Code>\n <Message>a &amp; b</Message></Error>"));
    CHECK(e.code == "SignatureDoesNotMatch");
    CHECK(e.message == "a & b");
  }
  SECTION("STS XML nests the error") {
    const auto e = transfer::parse_service_error(
        response(400,
                 "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                 "<Message>No OpenIDConnect provider found</Message></Error></ErrorResponse>"));
    CHECK(e.code == "InvalidIdentityToken");
  }
  SECTION("GCS JSON: reason wins over status") {
    const auto e = transfer::parse_service_error(
        response(403, R"({"error":{"code":403,"message":"no access","status":"PERMISSION_DENIED",
                 "errors":[{"reason":"forbidden"}]}})"));
    CHECK(e.code == "forbidden");
    CHECK(e.message == "no access");
  }
  SECTION("OAuth and GitHub JSON") {
    auto e = transfer::parse_service_error(
        response(400, R"({"error":"invalid_grant","error_description":"Invalid JWT"})"));
    CHECK(e.code == "invalid_grant");
    CHECK(e.message == "Invalid JWT");
    e = transfer::parse_service_error(response(401, R"({"message":"Bad credentials"})"));
    CHECK(e.code.empty());
    CHECK(e.message == "Bad credentials");
  }
  SECTION("anything else gives nothing, long messages are cut") {
    CHECK(transfer::parse_service_error(response(502, "<html>bad gateway")).code.empty());
    CHECK(transfer::parse_service_error(response(502, "{not json")).message.empty());
    const auto e = transfer::parse_service_error(
        response(400, "<Error><Message>" + std::string(1000, 'm') + "</Message></Error>"));
    CHECK(e.message.size() == 303);
  }
}

TEST_CASE("throw_http_error") {
  SECTION("kinds") {
    CHECK(error_of(response(401)).kind() == ErrorKind::auth);
    CHECK(error_of(response(403)).kind() == ErrorKind::auth);
    CHECK(error_of(response(403, "", {{"retry-after", "100"}})).kind() == ErrorKind::fetch);
    CHECK(error_of(response(400, "<Error><Code>SignatureDoesNotMatch</Code></Error>")).kind() ==
          ErrorKind::auth);
    CHECK(error_of(response(400, R"({"error":"invalid_grant"})")).kind() == ErrorKind::auth);
    CHECK(error_of(response(404)).kind() == ErrorKind::fetch);
    CHECK(error_of(response(500)).kind() == ErrorKind::fetch);
    CHECK(error_of(response(429)).kind() == ErrorKind::fetch);
  }
  SECTION("message: label, status, code, message, hint") {
    const Error e = error_of(
        response(301,
                 "<Error><Code>PermanentRedirect</Code><Message>Use the right endpoint</Message>"
                 "</Error>",
                 {{"x-amz-bucket-region", "eu-west-1"}}));
    CHECK(std::string(e.what()) ==
          "src: HTTP 301 PermanentRedirect (Use the right endpoint); the bucket is in region "
          "eu-west-1: set AWS_REGION=eu-west-1");
  }
  SECTION("a caller's hint replaces the generic one") {
    CHECK(std::string(error_of(response(403), "grant actions: read").what()) ==
          "src: HTTP 403; grant actions: read");
  }
}

TEST_CASE("throw_http_error: a rate limit with Retry-After names the wait, not more retries") {
  CHECK(std::string(error_of(response(429, "", {{"retry-after", "3600"}})).what()) ==
        "src: HTTP 429; rate limited: the service asks to wait 3600 s (Retry-After); try again "
        "after that");
  CHECK_THAT(error_of(response(403, "", {{"retry-after", "120"}})).what(),
             Catch::Contains("asks to wait 120 s") && !Catch::Contains("--retries"));
  CHECK_THAT(error_of(response(429)).what(), Catch::Contains("raise --retries"));
}

TEST_CASE("perform_with_retries") {
  transfer::RetryPolicy policy;
  std::vector<milliseconds> sleeps;
  policy.sleep = [&](milliseconds d) { sleeps.push_back(d); };
  const auto request = [] { return net::HttpRequest{}; };
  int attempts = 0;
  SECTION("keeps the body in memory without a sink and returns the final response") {
    ScriptedTransport t({status(502), status(200, "{\"ok\":true}")});
    const auto r = transfer::perform_with_retries(t, request, policy, "api", &attempts);
    CHECK(r.status == 200);
    CHECK(r.body == "{\"ok\":true}");
    CHECK(attempts == 2);
  }
  SECTION("returns a final error response without retrying it") {
    ScriptedTransport t({status(404, "nope"), status(200)});
    const auto r = transfer::perform_with_retries(t, request, policy, "api", &attempts);
    CHECK(r.status == 404);
    CHECK(attempts == 1);
    CHECK(sleeps.empty());
  }
  SECTION("retries GitHub's rate-limit 403 after the time it asks") {
    ScriptedTransport t({status(403, "", {{"retry-after", "2"}}), status(200)});
    CHECK(transfer::perform_with_retries(t, request, policy, "api", &attempts).status == 200);
    REQUIRE(sleeps.size() == 1);
    CHECK(sleeps[0] == milliseconds(2000));
  }
  SECTION("zero retries: one attempt only") {
    policy.retries = 0;
    ScriptedTransport t({status(503), status(200)});
    CHECK(transfer::perform_with_retries(t, request, policy, "api", &attempts).status == 503);
    CHECK(attempts == 1);
  }
  SECTION("a sink's exception ends the loop unchanged and attempts are reported") {
    ScriptedTransport t({ok({"x"}), ok({"x"})});
    const net::BodySink sink = [](std::string_view) -> bool {
      throw Error(ErrorKind::limit, "too big");
    };
    try {
      transfer::perform_with_retries(t, request, policy, "api", &attempts, sink);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::limit);
    }
    CHECK(attempts == 1);
    CHECK(t.requests.size() == 1);
  }
  SECTION("make_request is called once per attempt") {
    int built = 0;
    ScriptedTransport t({status(500), status(500), status(200)});
    transfer::perform_with_retries(
        t,
        [&] {
          ++built;
          return net::HttpRequest{};
        },
        policy, "api");
    CHECK(built == 3);
  }
}

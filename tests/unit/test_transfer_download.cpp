#include <catch2/catch.hpp>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/transfer/download.hpp"

#include "fetch_scripted_transport.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using namespace kvonce::test::script;
using std::chrono::milliseconds;

namespace {

struct Fixture {
  TempDir dir;
  std::vector<milliseconds> sleeps;
  std::vector<std::string> log;
  transfer::DownloadPolicy policy;
  Fixture() {
    policy.retries = 3;
    policy.sleep = [this](milliseconds d) { sleeps.push_back(d); };
    policy.log = [this](const std::string& line) { log.push_back(line); };
  }
  std::filesystem::path target() const { return dir / "payload.json"; }
  transfer::DownloadResult run(ScriptedTransport& transport) {
    return transfer::download_to_file(
        transport,
        [] {
          net::HttpRequest r;
          r.url = "https://example.com/payload.json";
          return r;
        },
        target(), policy, "https://example.com/payload.json");
  }
  // Runs and returns the error, or fails the test when none comes.
  Error run_failing(ScriptedTransport& transport) {
    try {
      run(transport);
    } catch (const Error& e) {
      return e;
    }
    FAIL("download_to_file did not fail");
    return Error(ErrorKind::internal, "unreachable");
  }
};

const std::string kXmlAccessDenied =
    "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
    "<StringToSign>AWS4-HMAC-SHA256 secret-ish</StringToSign></Error>";

}  // namespace

TEST_CASE("download_to_file") {
  Fixture f;
  SECTION("streams the body into place with its hash, size and declared encoding") {
    ScriptedTransport t({ok({"{\"resource", "Spans\":[]}"}, {{"content-encoding", "gzip"}})});
    const auto r = f.run(t);
    CHECK(read_file(f.target()) == "{\"resourceSpans\":[]}");
    CHECK(r.sha256 == crypto::sha256_hex("{\"resourceSpans\":[]}"));
    CHECK(r.size_bytes == 20);
    CHECK(r.attempts == 1);
    CHECK(r.http_status == 200);
    CHECK(r.content_encoding == "gzip");
    CHECK(f.dir.files() == std::vector<std::string>{"payload.json"});
    CHECK(f.sleeps.empty());
  }
  SECTION("applies the policy's timeouts to every request") {
    f.policy.timeout_ms = 1234;
    f.policy.connect_timeout_ms = 567;
    ScriptedTransport t({ok({"x"})});
    f.run(t);
    CHECK(t.requests.at(0).timeout_ms == 1234);
    CHECK(t.requests.at(0).connect_timeout_ms == 567);
  }
  SECTION("500 then 200: retried once with a backoff") {
    ScriptedTransport t({status(500, "oops"), ok({"body"})});
    const auto r = f.run(t);
    CHECK(r.attempts == 2);
    REQUIRE(f.sleeps.size() == 1);
    CHECK(f.sleeps[0] >= milliseconds(250));
    CHECK(f.sleeps[0] <= milliseconds(500));
    CHECK(read_file(f.target()) == "body");
    REQUIRE(f.log.size() == 1);
    CHECK_THAT(f.log[0], Catch::Contains("HTTP 500") && Catch::Contains("attempt 2 of 4"));
  }
  SECTION("backoff doubles per attempt, capped by max_backoff_ms") {
    f.policy.max_backoff_ms = 1500;
    ScriptedTransport t({status(503), status(502), status(504), ok({"x"})});
    f.run(t);
    REQUIRE(f.sleeps.size() == 3);
    CHECK(f.sleeps[1] >= milliseconds(500));
    CHECK(f.sleeps[1] <= milliseconds(1000));
    CHECK(f.sleeps[2] >= milliseconds(750));
    CHECK(f.sleeps[2] <= milliseconds(1500));
  }
  SECTION("429 with Retry-After waits as long as asked") {
    ScriptedTransport t({status(429, "", {{"retry-after", "3"}}), ok({"x"})});
    f.run(t);
    REQUIRE(f.sleeps.size() == 1);
    CHECK(f.sleeps[0] == milliseconds(3000));
  }
  SECTION("Retry-After beyond max_backoff_ms ends the retries") {
    f.policy.max_backoff_ms = 2000;
    ScriptedTransport t({status(503, "", {{"retry-after", "120"}}), ok({"x"})});
    const Error e = f.run_failing(t);
    CHECK(e.kind() == ErrorKind::fetch);
    CHECK(t.remaining() == 1);
    CHECK(f.sleeps.empty());
  }
  SECTION("S3 SlowDown is retried") {
    ScriptedTransport t(
        {status(503,
                "<Error><Code>SlowDown</Code><Message>Reduce your request rate.</Message>"
                "</Error>"),
         ok({"x"})});
    CHECK(f.run(t).attempts == 2);
  }
  SECTION("a connection reset mid-body is retried and the file holds only the last body") {
    ScriptedTransport t({broken({"AAAA", "BB"}, net::TransportFailure::reset), ok({"CC", "DD"})});
    const auto r = f.run(t);
    CHECK(read_file(f.target()) == "CCDD");
    CHECK(r.size_bytes == 4);
    CHECK(r.sha256 == crypto::sha256_hex("CCDD"));
    CHECK(f.dir.files() == std::vector<std::string>{"payload.json"});
  }
  SECTION("retries exhausted: fetch error, nothing left behind") {
    f.policy.retries = 2;
    ScriptedTransport t({broken({"AA"}, net::TransportFailure::timeout),
                         broken({}, net::TransportFailure::connect),
                         broken({"AA"}, net::TransportFailure::reset)});
    const Error e = f.run_failing(t);
    CHECK(e.kind() == ErrorKind::fetch);
    CHECK_THAT(e.what(), Catch::Contains("https://example.com/payload.json") &&
                             Catch::Contains("gave up after 3 attempts"));
    CHECK(f.dir.files().empty());
  }
  SECTION("a transport failure that is not retryable is not retried") {
    ScriptedTransport t({broken({}, net::TransportFailure::tls, false), ok({"x"})});
    CHECK(f.run_failing(t).kind() == ErrorKind::fetch);
    CHECK(t.requests.size() == 1);
  }
  SECTION("still 5xx after the last attempt: the service's status in the message") {
    f.policy.retries = 1;
    ScriptedTransport t({status(500), status(503)});
    const Error e = f.run_failing(t);
    CHECK(e.kind() == ErrorKind::fetch);
    CHECK_THAT(e.what(), Catch::Contains("HTTP 503"));
    CHECK(f.dir.files().empty());
  }
  SECTION("403 AccessDenied: auth error, not retried, code and hint, body secrets not quoted") {
    ScriptedTransport t({status(403, kXmlAccessDenied), ok({"x"})});
    const Error e = f.run_failing(t);
    CHECK(e.kind() == ErrorKind::auth);
    CHECK(t.requests.size() == 1);
    CHECK_THAT(e.what(), Catch::Contains("https://example.com/payload.json: HTTP 403 "
                                         "AccessDenied (Access Denied)"));
    CHECK_THAT(e.what(), Catch::Contains("s3:GetObject"));
    CHECK_THAT(e.what(), !Catch::Contains("secret-ish"));
    CHECK(f.dir.files().empty());
  }
  SECTION("ExpiredToken (400) is an auth error with a hint") {
    ScriptedTransport t({status(400,
                                "<Error><Code>ExpiredToken</Code><Message>The provided "
                                "token has expired.</Message></Error>")});
    const Error e = f.run_failing(t);
    CHECK(e.kind() == ErrorKind::auth);
    CHECK_THAT(e.what(), Catch::Contains("ExpiredToken") && Catch::Contains("expired"));
  }
  SECTION("404 NoSuchKey is a fetch error") {
    ScriptedTransport t({status(404, "<Error><Code>NoSuchKey</Code></Error>")});
    const Error e = f.run_failing(t);
    CHECK(e.kind() == ErrorKind::fetch);
    CHECK_THAT(e.what(), Catch::Contains("HTTP 404 NoSuchKey") && Catch::Contains("check the key"));
  }
  SECTION("over max_bytes: limit error naming the Collector, no file, no retry") {
    f.policy.max_bytes = 5;
    ScriptedTransport t({ok({"abc", "def"}), ok({"x"})});
    const Error e = f.run_failing(t);
    CHECK(e.kind() == ErrorKind::limit);
    CHECK_THAT(e.what(), Catch::Contains("--max-bytes (5 bytes)") && Catch::Contains("Collector"));
    CHECK(t.requests.size() == 1);
    CHECK(f.dir.files().empty());
  }
  SECTION("exactly max_bytes is accepted") {
    f.policy.max_bytes = 6;
    ScriptedTransport t({ok({"abc", "def"})});
    CHECK(f.run(t).size_bytes == 6);
  }
  SECTION("expect_sha256: match (any case) keeps the file, mismatch is an integrity error") {
    f.policy.expect_sha256 = crypto::sha256_hex("payload");
    for (auto& c : *f.policy.expect_sha256) c = static_cast<char>(std::toupper(c));
    ScriptedTransport good({ok({"pay", "load"})});
    CHECK(f.run(good).sha256 == crypto::sha256_hex("payload"));
    std::filesystem::remove(f.target());
    ScriptedTransport bad({ok({"tampered"})});
    const Error e = f.run_failing(bad);
    CHECK(e.kind() == ErrorKind::integrity);
    CHECK_THAT(e.what(), Catch::Contains(crypto::sha256_hex("tampered")));
    CHECK(f.dir.files().empty());
  }
  SECTION("a malformed expect_sha256 is a usage error before any request") {
    f.policy.expect_sha256 = "abc";
    ScriptedTransport t({ok({"x"})});
    CHECK(f.run_failing(t).kind() == ErrorKind::usage);
    CHECK(t.requests.empty());
  }
  SECTION("a failed download leaves an earlier target untouched") {
    write_file(f.target(), "previous");
    ScriptedTransport t({status(403)});
    f.run_failing(t);
    CHECK(read_file(f.target()) == "previous");
    CHECK(f.dir.files() == std::vector<std::string>{"payload.json"});
  }
  SECTION("creates the target's directory") {
    ScriptedTransport t({ok({"x"})});
    transfer::download_to_file(
        t, [] { return net::HttpRequest{}; }, f.dir / "a" / "b" / "p.json", f.policy, "label");
    CHECK(read_file(f.dir / "a" / "b" / "p.json") == "x");
  }
}

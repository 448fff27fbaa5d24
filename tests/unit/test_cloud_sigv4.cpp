// AWS Signature Version 4: the S3 examples AWS publishes, and the canonical forms S3 expects.
#include <catch2/catch.hpp>

#include "kvonce/cloud/sigv4.hpp"
#include "kvonce/crypto/crypto.hpp"
#include "kvonce/util/error.hpp"

using namespace kvonce;
using namespace kvonce::cloud;

namespace {

// The credentials and date of the examples in AWS's S3 documentation ("Signature calculations
// for the Authorization header: transferring payload in a single chunk").
const AwsCredentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                              "", "test"};
constexpr const char* kDate = "20130524T000000Z";
constexpr const char* kHost = "examplebucket.s3.amazonaws.com";

std::string header_value(const net::Headers& headers, const std::string& name) {
  for (const auto& [n, v] : headers) {
    if (n == name) return v;
  }
  return "<absent>";
}

}  // namespace

TEST_CASE("sign_v4") {
  SECTION("GET object with a Range header (AWS example)") {
    SigV4Request request;
    request.host = kHost;
    request.encoded_path = "/test.txt";
    request.extra_headers = {{"Range", "bytes=0-9"}};
    request.payload_hash = std::string(kEmptyPayloadSha256);
    const auto s = sign_v4(request, kExample, "us-east-1", "s3", kDate);
    CHECK(s.canonical_request ==
          "GET\n/test.txt\n\nhost:examplebucket.s3.amazonaws.com\nrange:bytes=0-9\n"
          "x-amz-content-sha256:"
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
          "x-amz-date:20130524T000000Z\n\nhost;range;x-amz-content-sha256;x-amz-date\n"
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(s.string_to_sign ==
          "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
          "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
    CHECK(s.signature == "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CHECK(s.authorization ==
          "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
          "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,"
          "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    CHECK(header_value(s.headers, "Range") == "bytes=0-9");
    CHECK(header_value(s.headers, "x-amz-date") == kDate);
    CHECK(header_value(s.headers, "Authorization") == s.authorization);
    CHECK(header_value(s.headers, "x-amz-security-token") == "<absent>");
  }
  SECTION("PUT object with a signed payload and a '$' in the key (AWS example)") {
    SigV4Request request;
    request.method = "PUT";
    request.host = kHost;
    request.encoded_path = s3_encode_key_path("test$file.text");
    request.extra_headers = {{"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                             {"x-amz-storage-class", "REDUCED_REDUNDANCY"}};
    request.payload_hash = crypto::sha256_hex("Welcome to Amazon S3.");
    const auto s = sign_v4(request, kExample, "us-east-1", "s3", kDate);
    CHECK(request.encoded_path == "/test%24file.text");
    CHECK(s.signature == "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  }
  SECTION("GET bucket lifecycle: a parameter without a value (AWS example)") {
    SigV4Request request;
    request.host = kHost;
    request.encoded_path = "/";
    request.query = {{"lifecycle", ""}};
    request.payload_hash = std::string(kEmptyPayloadSha256);
    const auto s = sign_v4(request, kExample, "us-east-1", "s3", kDate);
    CHECK(s.signature == "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
  }
  SECTION("list objects: the query is sorted whatever the given order (AWS example)") {
    SigV4Request request;
    request.host = kHost;
    request.encoded_path = "/";
    request.query = {{"prefix", "J"}, {"max-keys", "2"}};
    request.payload_hash = std::string(kEmptyPayloadSha256);
    const auto s = sign_v4(request, kExample, "us-east-1", "s3", kDate);
    CHECK(s.signature == "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  }
  SECTION("a session token is sent and signed") {
    AwsCredentials temporary = kExample;
    temporary.session_token = "session/token+value=";
    SigV4Request request;
    request.host = kHost;
    request.encoded_path = "/test.txt";
    const auto plain = sign_v4(request, kExample, "us-east-1", "s3", kDate);
    const auto s = sign_v4(request, temporary, "us-east-1", "s3", kDate);
    CHECK(header_value(s.headers, "x-amz-security-token") == "session/token+value=");
    CHECK(s.canonical_request.find("x-amz-security-token:session/token+value=\n") !=
          std::string::npos);
    CHECK(s.authorization.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;"
                               "x-amz-security-token,") != std::string::npos);
    CHECK(s.signature != plain.signature);
  }
  SECTION("UNSIGNED-PAYLOAD by default, in the header and the canonical request") {
    SigV4Request request;
    request.host = "127.0.0.1:9000";
    request.encoded_path = "/bucket/key";
    const auto s = sign_v4(request, kExample, "eu-west-1", "s3", kDate);
    CHECK(header_value(s.headers, "x-amz-content-sha256") == "UNSIGNED-PAYLOAD");
    CHECK(s.canonical_request.substr(s.canonical_request.rfind('\n') + 1) == "UNSIGNED-PAYLOAD");
    CHECK(s.canonical_request.find("host:127.0.0.1:9000\n") != std::string::npos);
    CHECK(s.string_to_sign.find("20130524/eu-west-1/s3/aws4_request") != std::string::npos);
  }
  SECTION("header values are trimmed and inner spaces collapsed") {
    SigV4Request request;
    request.host = kHost;
    request.encoded_path = "/";
    request.extra_headers = {{"X-Custom", "  a   b \t c  "}};
    const auto s = sign_v4(request, kExample, "us-east-1", "s3", kDate);
    CHECK(s.canonical_request.find("x-custom:a b c\n") != std::string::npos);
  }
  SECTION("the secret changes the signature") {
    AwsCredentials wrong = kExample;
    wrong.secret_access_key = "not-the-secret";
    SigV4Request request;
    request.host = kHost;
    request.encoded_path = "/test.txt";
    CHECK(sign_v4(request, wrong, "us-east-1", "s3", kDate).signature !=
          sign_v4(request, kExample, "us-east-1", "s3", kDate).signature);
  }
  SECTION("a malformed date is a bug of the caller") {
    SigV4Request request;
    request.host = kHost;
    request.encoded_path = "/";
    CHECK_THROWS_AS(sign_v4(request, kExample, "us-east-1", "s3", "2013-05-24"), Error);
  }
}

TEST_CASE("uri_encode") {
  SECTION("unreserved characters stay") {
    CHECK(uri_encode("AZaz09-._~") == "AZaz09-._~");
  }
  SECTION("reserved characters, space and '=' are encoded with upper-case hex") {
    CHECK(uri_encode("a b=c&d+e*f!") == "a%20b%3Dc%26d%2Be%2Af%21");
  }
  SECTION("'/' is encoded unless asked not to") {
    CHECK(uri_encode("a/b") == "a%2Fb");
    CHECK(uri_encode("a/b", false) == "a/b");
  }
  SECTION("non-ASCII text is encoded as its UTF-8 bytes") {
    CHECK(uri_encode("\xC3\xA9t\xC3\xA9") == "%C3%A9t%C3%A9");
    CHECK(uri_encode("\xE6\x97\xA5") == "%E6%97%A5");
  }
}

TEST_CASE("s3_encode_key_path") {
  SECTION("each segment is encoded once, '/' kept") {
    CHECK(s3_encode_key_path("kvonce-trace/year=2025/a b.json") ==
          "/kvonce-trace/year%3D2025/a%20b.json");
  }
  SECTION("no normalisation: empty segments stay") {
    CHECK(s3_encode_key_path("a//b/") == "/a//b/");
  }
  SECTION("an already encoded key is encoded again (S3 keys are literal)") {
    CHECK(s3_encode_key_path("a%20b") == "/a%2520b");
  }
}

TEST_CASE("canonical_query") {
  SECTION("sorted by encoded name, then value") {
    CHECK(canonical_query({{"prefix", "p/"}, {"list-type", "2"}, {"a", "2"}, {"a", "1"}}) ==
          "a=1&a=2&list-type=2&prefix=p%2F");
  }
  SECTION("sorting happens on the encoded form") {
    // '%' (0x25) sorts before 'A' (0x41): "%3D..." comes first.
    CHECK(canonical_query({{"A", "1"}, {"=", "2"}}) == "%3D=2&A=1");
  }
  SECTION("empty values keep their '='") {
    CHECK(canonical_query({{"uploads", ""}}) == "uploads=");
  }
  SECTION("no parameters, no text") {
    CHECK(canonical_query({}).empty());
  }
}

TEST_CASE("amz_date") {
  SECTION("UTC, basic ISO 8601") {
    const auto t = std::chrono::system_clock::time_point(std::chrono::seconds(1369353600));
    CHECK(amz_date(t) == "20130524T000000Z");
    CHECK(amz_date(t + std::chrono::seconds(3723)) == "20130524T010203Z");
  }
}

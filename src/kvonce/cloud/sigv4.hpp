// AWS Signature Version 4 for S3 requests, computed with the crypto helpers (HMAC-SHA256).
//
// Why not libcurl's CURLOPT_AWS_SIGV4: the libcurl of Debian 12 neither adds
// x-amz-content-sha256 (S3 requires it), nor encodes the path (keys like "year=2025/..." need
// "year%3D2025"), nor sorts the query, so its signatures fail against S3 for such requests.
//
// Canonical form used (the S3 flavour): the path is sent and signed exactly as built by
// s3_encode_key_path() (each segment URI-encoded once, '/' kept, no normalisation); query
// parameters are encoded with uri_encode() and sorted by encoded name, then value; header values
// are trimmed with inner runs of spaces collapsed; signed headers are host, x-amz-content-sha256,
// x-amz-date, x-amz-security-token (with temporary credentials) and any extra headers given.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kvonce/net/http.hpp"

namespace kvonce::cloud {

// An access key pair, with the session token of temporary credentials ("" for long-term keys).
struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;
  std::string source;  // where they came from, for messages ("environment", "profile default")
};

// SHA-256 of the empty string, and the payload marker S3 accepts for unsigned bodies.
inline constexpr std::string_view kEmptyPayloadSha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";

// AWS UriEncode: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX (upper-case hex); '/' is kept
// when encode_slash is false. Non-ASCII text is encoded byte by byte (its UTF-8 form).
std::string uri_encode(std::string_view text, bool encode_slash = true);

// "/" + key with each '/'-separated segment URI-encoded: "a b/year=2025" -> "/a%20b/year%3D2025".
std::string s3_encode_key_path(std::string_view key);

using QueryParams = std::vector<std::pair<std::string, std::string>>;  // decoded name, value

// The canonical query string: encoded "name=value" pairs sorted by name then value, joined by
// '&'. It is also the query string to send, so what is signed is what the server sees.
std::string canonical_query(const QueryParams& params);

// "20130524T000000Z" for a point in time (UTC).
std::string amz_date(std::chrono::system_clock::time_point when);

struct SigV4Request {
  std::string method = "GET";
  std::string host;          // exactly the Host header the client sends ("b.s3.x.com", "h:9000")
  std::string encoded_path;  // as sent, already encoded ("/" at least)
  QueryParams query;
  net::Headers extra_headers;  // further headers to sign and send (for example "Range")
  std::string payload_hash = std::string(kUnsignedPayload);  // hex SHA-256 or UNSIGNED-PAYLOAD
};

struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header value
  // Every header to send: extra headers, x-amz-content-sha256, x-amz-date,
  // x-amz-security-token (when a session token is present) and Authorization. Host is left to
  // the HTTP client, which derives the same value from the URL.
  net::Headers headers;
};

// Signs `request` for `service` in `region` at `date` ("YYYYMMDDTHHMMSSZ").
SigV4Signature sign_v4(const SigV4Request& request, const AwsCredentials& credentials,
                       std::string_view region, std::string_view service, std::string_view date);

}  // namespace kvonce::cloud

// AWS Signature Version 4: canonical request, string to sign, derived key, Authorization header.
#include "kvonce/cloud/sigv4.hpp"

#include <algorithm>
#include <ctime>
#include <map>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::cloud {
namespace {

// Trimmed, with inner runs of spaces and tabs collapsed to one space (SigV4's Trimall).
std::string trim_all(std::string_view value) {
  std::string out;
  bool in_space = false;
  for (const char c : trim(value)) {
    if (c == ' ' || c == '\t') {
      in_space = true;
      continue;
    }
    if (in_space) out.push_back(' ');
    in_space = false;
    out.push_back(c);
  }
  return out;
}

}  // namespace

std::string uri_encode(std::string_view text, bool encode_slash) {
  // SigV4's UriEncode is RFC 3986 percent-encoding with upper-case hex, '/' kept in paths.
  return net::percent_encode(text, encode_slash ? "" : "/");
}

std::string s3_encode_key_path(std::string_view key) {
  return "/" + uri_encode(key, false);
}

std::string canonical_query(const QueryParams& params) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(params.size());
  for (const auto& [name, value] : params)
    encoded.emplace_back(uri_encode(name), uri_encode(value));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name;
    out.push_back('=');
    out += value;
  }
  return out;
}

std::string amz_date(std::chrono::system_clock::time_point when) {
  const std::time_t t = std::chrono::system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

SigV4Signature sign_v4(const SigV4Request& request, const AwsCredentials& credentials,
                       std::string_view region, std::string_view service, std::string_view date) {
  if (date.size() != 16 || date[8] != 'T' || date[15] != 'Z') {
    fail(ErrorKind::internal, "SigV4: malformed x-amz-date");
  }
  SigV4Signature out;
  out.headers = request.extra_headers;
  out.headers.emplace_back("x-amz-content-sha256", request.payload_hash);
  out.headers.emplace_back("x-amz-date", std::string(date));
  if (!credentials.session_token.empty()) {
    out.headers.emplace_back("x-amz-security-token", credentials.session_token);
  }

  // Canonical headers: lower-case names, sorted; repeated names joined with ','.
  std::map<std::string, std::string> canonical;
  canonical["host"] = request.host;
  for (const auto& [name, value] : out.headers) {
    auto& slot = canonical[to_lower_ascii(name)];
    if (!slot.empty()) slot.push_back(',');
    slot += trim_all(value);
  }
  std::string header_block, signed_headers;
  for (const auto& [name, value] : canonical) {
    header_block += name + ":" + value + "\n";
    if (!signed_headers.empty()) signed_headers.push_back(';');
    signed_headers += name;
  }

  out.canonical_request = request.method + "\n" + request.encoded_path + "\n" +
                          canonical_query(request.query) + "\n" + header_block + "\n" +
                          signed_headers + "\n" + request.payload_hash;

  const std::string day(date.substr(0, 8));
  const std::string scope =
      day + "/" + std::string(region) + "/" + std::string(service) + "/aws4_request";
  out.string_to_sign = "AWS4-HMAC-SHA256\n" + std::string(date) + "\n" + scope + "\n" +
                       crypto::sha256_hex(out.canonical_request);

  std::string key = crypto::hmac_sha256_raw("AWS4" + credentials.secret_access_key, day);
  key = crypto::hmac_sha256_raw(key, region);
  key = crypto::hmac_sha256_raw(key, service);
  key = crypto::hmac_sha256_raw(key, "aws4_request");
  out.signature = crypto::hmac_sha256_hex(key, out.string_to_sign);

  out.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                      ",SignedHeaders=" + signed_headers + ",Signature=" + out.signature;
  out.headers.emplace_back("Authorization", out.authorization);
  return out;
}

}  // namespace kvonce::cloud

// Reading service error documents (S3/STS XML, GCS/OAuth/GitHub JSON) for messages and hints.
#include "kvonce/transfer/service_error.hpp"

#include <array>

#include <nlohmann/json.hpp>

#include "kvonce/util/strings.hpp"

namespace kvonce::transfer {
namespace {

constexpr std::size_t kMaxMessage = 300;

std::string xml_unescape(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, char>, 5> kEntities{
      {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}}};
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    bool replaced = false;
    for (const auto& [entity, c] : kEntities) {
      if (text.substr(i, entity.size()) == entity) {
        out.push_back(c);
        i += entity.size() - 1;
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(text[i]);
  }
  return out;
}

// The text of the first <tag>...</tag>: error documents are flat and small, so a search is all
// it takes (no XML library is needed for two fields).
std::string xml_element(std::string_view body, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const auto start = body.find(open);
  if (start == std::string_view::npos) return {};
  const auto from = start + open.size();
  const auto end = body.find(close, from);
  if (end == std::string_view::npos) return {};
  return xml_unescape(trim(body.substr(from, end - from)));
}

std::string string_at(const nlohmann::json& doc, const char* key) {
  const auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

ServiceError from_json(const nlohmann::json& doc) {
  ServiceError out;
  if (!doc.is_object()) return out;
  const auto error = doc.find("error");
  if (error != doc.end() && error->is_object()) {  // Google APIs
    out.code = string_at(*error, "status");
    const auto errors = error->find("errors");
    if (errors != error->end() && errors->is_array() && !errors->empty() &&
        errors->front().is_object()) {
      const std::string reason = string_at(errors->front(), "reason");
      if (!reason.empty()) out.code = reason;
    }
    out.message = string_at(*error, "message");
  } else if (error != doc.end() && error->is_string()) {  // OAuth 2.0 token endpoints
    out.code = error->get<std::string>();
    out.message = string_at(doc, "error_description");
  } else {  // GitHub
    out.message = string_at(doc, "message");
  }
  return out;
}

bool one_of(const std::string& code, std::initializer_list<std::string_view> codes) {
  for (const auto c : codes) {
    if (code == c) return true;
  }
  return false;
}

bool is_rate_limited_403(const net::HttpResponse& response) {
  if (response.status != 403) return false;
  if (response.header("retry-after")) return true;
  const auto remaining = response.header("x-ratelimit-remaining");
  return remaining && trim(*remaining) == "0";
}

std::string code_hint(const net::HttpResponse& response, const std::string& code) {
  if (one_of(code, {"AccessDenied", "AccessDeniedException", "PERMISSION_DENIED", "forbidden"})) {
    return "check that the credentials (the role's policy) allow reading it: s3:GetObject, and "
           "s3:ListBucket for a prefix; on GCS storage.objects.get and storage.objects.list";
  }
  if (one_of(code,
             {"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "RequestExpired"})) {
    return "the credentials have expired: obtain fresh ones (re-run the credentials step)";
  }
  if (code == "SignatureDoesNotMatch") {
    return "the secret key does not match the access key id, or the region or endpoint differs "
           "from the one the request was signed for";
  }
  if (one_of(code, {"InvalidAccessKeyId", "InvalidClientTokenId"})) {
    return "the access key id is unknown to this endpoint (wrong account or endpoint, or a "
           "deleted key)";
  }
  if (one_of(code, {"InvalidToken", "InvalidIdentityToken", "IDPRejectedClaim"})) {
    return "the session or identity token was rejected: check the role's trust policy "
           "(audience, subject) and that the token is current";
  }
  if (code == "RequestTimeTooSkewed") {
    return "this machine's clock differs from the service's by too much: synchronise it";
  }
  if (code == "NoSuchKey") return "no such object: check the key (and --date)";
  if (code == "NoSuchBucket") return "no such bucket: check its name, region and endpoint";
  if (one_of(code, {"PermanentRedirect", "AuthorizationHeaderMalformed",
                    "IllegalLocationConstraintException"})) {
    if (const auto region = response.header("x-amz-bucket-region")) {
      return "the bucket is in region " + *region + ": set AWS_REGION=" + *region;
    }
    return "the bucket is in another region: set AWS_REGION to the bucket's region";
  }
  if (code == "SlowDown") return "the service is throttling requests: retry later";
  if (one_of(code, {"invalid_grant", "invalid_client", "unauthorized_client"})) {
    return "the token exchange was refused: check the key or identity token, and the clock";
  }
  return {};
}

}  // namespace

ServiceError parse_service_error(const net::HttpResponse& response) {
  const std::string_view body = trim(response.body);
  ServiceError out;
  if (body.starts_with("<")) {
    out.code = xml_element(body, "Code");
    out.message = xml_element(body, "Message");
  } else if (body.starts_with("{")) {
    out = from_json(nlohmann::json::parse(body, nullptr, false));
  }
  if (out.message.size() > kMaxMessage) out.message = out.message.substr(0, kMaxMessage) + "...";
  return out;
}

ErrorKind error_kind_for(const net::HttpResponse& response, const std::string& code) {
  if (one_of(code,
             {"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired",
              "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidClientTokenId", "InvalidToken",
              "InvalidIdentityToken", "IDPRejectedClaim", "AccessDenied", "AccessDeniedException",
              "AuthorizationHeaderMalformed", "RequestTimeTooSkewed", "invalid_grant",
              "invalid_client", "unauthorized_client", "UNAUTHENTICATED", "PERMISSION_DENIED"})) {
    return ErrorKind::auth;
  }
  if (response.status == 401) return ErrorKind::auth;
  if (response.status == 403 && !is_rate_limited_403(response)) return ErrorKind::auth;
  return ErrorKind::fetch;
}

std::string hint_for(const net::HttpResponse& response, const ServiceError& error) {
  if (auto hint = code_hint(response, error.code); !hint.empty()) return hint;
  const long s = response.status;
  if (s == 401) return "the credentials were rejected: missing, wrong or expired token";
  if (s == 403 && is_rate_limited_403(response)) return "rate limited: retry later";
  if (s == 403) return "the credentials are not allowed to read this resource";
  if (s == 404) return "not found: check the name or URL";
  if (s == 429) return "rate limited: retry later, or raise --retries";
  if (s >= 500) return "the service is failing: retry later";
  return {};
}

bool is_rate_limited(const net::HttpResponse& response) {
  return response.status == 429 || is_rate_limited_403(response);
}

}  // namespace kvonce::transfer

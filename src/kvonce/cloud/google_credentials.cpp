// Google access tokens: an explicit token, a service-account key (signed JWT), or an external
// account (workload identity federation).
#include "kvonce/cloud/google_credentials.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "kvonce/cloud/google_external_account.hpp"
#include "kvonce/cloud/google_token_endpoint.hpp"
#include "kvonce/cloud/small_file.hpp"
#include "kvonce/crypto/crypto.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::cloud {
namespace {

constexpr const char* kDefaultTokenUri = "https://oauth2.googleapis.com/token";

std::string member(const nlohmann::json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

GoogleToken service_account_token(const ServiceAccountKey& key, const ApiContext& context,
                                  const std::optional<std::string>& token_url_override) {
  const std::int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                               kvonce::now(context.policy.clock).time_since_epoch())
                               .count();
  const std::string assertion = service_account_jwt(key, kStorageReadScope, now);
  const std::string url = token_url_override.value_or(key.token_uri);
  const std::string label =
      "service account " + key.client_email + " token request at " + net::redact_url(url);
  const auto answer =
      post_for_token(context, url, {{"Content-Type", "application/x-www-form-urlencoded"}},
                     form_encode({{"grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"},
                                  {"assertion", assertion}}),
                     label);
  return {token_field(answer, "access_token", label), "service account " + key.client_email};
}

}  // namespace

ServiceAccountKey parse_service_account_key(std::string_view json_text, const std::string& path) {
  const auto doc = nlohmann::json::parse(json_text, nullptr, false);
  if (!doc.is_object()) fail(ErrorKind::auth, path + ": not a JSON credentials file");
  ServiceAccountKey key{member(doc, "client_email"), member(doc, "private_key"),
                        member(doc, "private_key_id"), member(doc, "token_uri")};
  if (key.client_email.empty() || key.private_key.empty()) {
    fail(ErrorKind::auth, path + ": service account key without client_email or private_key");
  }
  if (key.token_uri.empty()) key.token_uri = kDefaultTokenUri;
  return key;
}

std::string service_account_jwt(const ServiceAccountKey& key, std::string_view scope,
                                std::int64_t now_unix_seconds) {
  nlohmann::json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!key.private_key_id.empty()) header["kid"] = key.private_key_id;
  const nlohmann::json claims = {{"iss", key.client_email},
                                 {"scope", std::string(scope)},
                                 {"aud", key.token_uri},
                                 {"iat", now_unix_seconds},
                                 {"exp", now_unix_seconds + 3600}};
  const std::string signing_input =
      crypto::base64url_encode(header.dump()) + "." + crypto::base64url_encode(claims.dump());
  return signing_input + "." +
         crypto::base64url_encode(crypto::rsa_sha256_sign(key.private_key, signing_input));
}

GoogleToken resolve_google_token(const Environment& env, const ApiContext& context,
                                 const std::optional<std::string>& token_url_override) {
  if (auto token = env("GOOGLE_OAUTH_ACCESS_TOKEN")) return {*token, "GOOGLE_OAUTH_ACCESS_TOKEN"};
  const auto path = env("GOOGLE_APPLICATION_CREDENTIALS");
  if (!path) {
    fail(ErrorKind::auth,
         "no Google credentials: set GOOGLE_OAUTH_ACCESS_TOKEN, or GOOGLE_APPLICATION_CREDENTIALS "
         "to a service account key or an external_account file (google-github-actions/auth "
         "writes one)");
  }
  const auto text = read_small_file(*path, "GOOGLE_APPLICATION_CREDENTIALS");
  // Not quoted: a variable that names no file may hold the key file's content, private key and all.
  if (!text) {
    fail(ErrorKind::auth,
         "GOOGLE_APPLICATION_CREDENTIALS names no existing file (it holds the path of a "
         "credentials file, not its content)");
  }
  const auto doc = nlohmann::json::parse(*text, nullptr, false);
  if (!doc.is_object()) fail(ErrorKind::auth, *path + ": not a JSON credentials file");
  const std::string type = member(doc, "type");
  const auto override_url = token_url_override ? token_url_override : env("KVONCE_GCS_TOKEN_URL");
  if (type == "service_account") {
    return service_account_token(parse_service_account_key(*text, *path), context, override_url);
  }
  if (type == "external_account") return external_account_token(doc, *path, context);
  fail(ErrorKind::auth, *path + ": credentials of type '" + type +
                            "' are not supported (service_account or external_account)");
}

}  // namespace kvonce::cloud

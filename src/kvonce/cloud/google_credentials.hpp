// OAuth 2.0 access tokens for Google Cloud Storage, from the first source that is set:
//  1. GOOGLE_OAUTH_ACCESS_TOKEN: used as is;
//  2. GOOGLE_APPLICATION_CREDENTIALS naming a JSON file of type
//     - "service_account": an RS256 JWT (iss = client_email, scope devstorage.read_only,
//       aud = token_uri, one hour) signed with its private_key and exchanged at its token_uri
//       (default https://oauth2.googleapis.com/token; `token_url_override`, from
//       StoreSettings::token_url or KVONCE_GCS_TOKEN_URL, wins) with grant type
//       urn:ietf:params:oauth:grant-type:jwt-bearer;
//     - "external_account" (workload identity federation, as google-github-actions/auth writes
//       it): see google_external_account.hpp.
// Errors: Error(auth) for missing, unreadable or rejected credentials (with the endpoint's error
// code, e.g. invalid_grant), Error(fetch) when an endpoint cannot be reached. No message quotes a
// key, assertion or token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kvonce/cloud/api_call.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::cloud {

// Read-only access to objects: all fetch needs.
inline constexpr std::string_view kStorageReadScope =
    "https://www.googleapis.com/auth/devstorage.read_only";

struct GoogleToken {
  std::string access_token;
  std::string source;  // for messages: "GOOGLE_OAUTH_ACCESS_TOKEN", "service account x@y", ...
};

GoogleToken resolve_google_token(const Environment& env, const ApiContext& context,
                                 const std::optional<std::string>& token_url_override);

// The fields of a service-account key file that signing needs.
struct ServiceAccountKey {
  std::string client_email;
  std::string private_key;     // PEM
  std::string private_key_id;  // "kid" of the JWT header ("" = none)
  std::string token_uri;
};

// Parses a service-account key file's JSON text. Error(auth) naming `path` when a field is
// missing.
ServiceAccountKey parse_service_account_key(std::string_view json_text, const std::string& path);

// header.claims.signature, each base64url: {"alg":"RS256","typ":"JWT"[,"kid"]} and
// {"iss","scope","aud","iat","exp"} with exp = iat + 3600.
std::string service_account_jwt(const ServiceAccountKey& key, std::string_view scope,
                                std::int64_t now_unix_seconds);

}  // namespace kvonce::cloud

// Workload identity federation ("type": "external_account" credential files), as
// google-github-actions/auth writes them:
//  1. the subject token from credential_source: "file" (a path) or "url" (+ "headers"), in
//     format "text" (the whole content, trimmed) or "json" (the member
//     format.subject_token_field_name);
//  2. exchanged at token_url (Google STS, RFC 8693 token exchange: grant_type
//     urn:ietf:params:oauth:grant-type:token-exchange, audience, subject_token_type,
//     requested_token_type access_token, scope cloud-platform) for a federated access token;
//  3. when service_account_impersonation_url is present, that token buys a service account's
//     access token there (POST {"scope": [devstorage.read_only], "lifetime": "3600s"}, answer
//     {"accessToken": ...}).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "kvonce/cloud/api_call.hpp"
#include "kvonce/cloud/google_credentials.hpp"

namespace kvonce::cloud {

// `config` is the parsed credential file, `path` its name for messages.
GoogleToken external_account_token(const nlohmann::json& config, const std::string& path,
                                   const ApiContext& context);

// Step 1 alone, exposed for tests.
std::string external_subject_token(const nlohmann::json& config, const std::string& path,
                                   const ApiContext& context);

}  // namespace kvonce::cloud

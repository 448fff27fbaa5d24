// AWS credentials in the order the AWS SDKs use, limited to what CI pipelines need:
//  1. AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY (+ AWS_SESSION_TOKEN);
//  2. web identity, when AWS_ROLE_ARN is set: the token from AWS_WEB_IDENTITY_TOKEN_FILE, or else
//     the GitHub Actions OIDC token (GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=sts.amazonaws.com
//     with "Authorization: bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN", answer {"value": jwt}),
//     exchanged through STS AssumeRoleWithWebIdentity (an unsigned POST) at
//     AWS_ENDPOINT_URL_STS, else AWS_ENDPOINT_URL, else https://sts.<region>.amazonaws.com;
//     session name AWS_ROLE_SESSION_NAME, else "kvonce-trace-<unix seconds>";
//  3. the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else $HOME/.aws/credentials),
//     profile AWS_PROFILE, else "default".
// Every failure is Error(auth) (Error(fetch) when a service cannot be reached), with a message
// that names the source and the service's error code and never quotes a key or token.
#pragma once

#include <string>
#include <string_view>

#include "kvonce/cloud/api_call.hpp"
#include "kvonce/cloud/sigv4.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::cloud {

AwsCredentials resolve_aws_credentials(const Environment& env, const ApiContext& context,
                                       std::string_view region);

// Exposed for tests: the credentials out of an AssumeRoleWithWebIdentity response body.
// Error(auth) when the document holds no complete <Credentials>.
AwsCredentials parse_sts_credentials(std::string_view xml);

// Exposed for tests: `profile` from the text of a shared credentials file (INI), or nullopt
// when the profile is absent. Error(auth) when the profile lacks a key.
std::optional<AwsCredentials> parse_shared_credentials(std::string_view ini,
                                                       std::string_view profile);

}  // namespace kvonce::cloud

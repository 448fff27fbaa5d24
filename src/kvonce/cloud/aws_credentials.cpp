// The AWS credential chain: environment keys, web identity through STS, shared credentials file.
#include "kvonce/cloud/aws_credentials.hpp"

#include <chrono>

#include <nlohmann/json.hpp>

#include "kvonce/cloud/small_file.hpp"
#include "kvonce/cloud/xml_text.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::cloud {
namespace {

constexpr const char* kOidcHint =
    "the workflow needs 'permissions: id-token: write' for GitHub's OIDC token";

std::string sts_endpoint(const Environment& env, std::string_view region) {
  if (auto url = env("AWS_ENDPOINT_URL_STS")) return *url;
  if (auto url = env("AWS_ENDPOINT_URL")) return *url;
  return "https://sts." + std::string(region) + ".amazonaws.com";
}

// The GitHub Actions OIDC token for STS (its request token goes only in the header).
std::string actions_oidc_token(const Environment& env, const ApiContext& context) {
  const std::string base = *env("ACTIONS_ID_TOKEN_REQUEST_URL");
  const std::string bearer = *env("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
  const std::string url =
      base + (base.find('?') == std::string::npos ? "?" : "&") + "audience=sts.amazonaws.com";
  const std::string label = "GitHub Actions OIDC token request " + net::redact_url(base);
  const auto response = call_api(
      context,
      [&] {
        auto request = api_request(context, "GET", url);
        request.headers = {{"Authorization", "bearer " + bearer}, {"Accept", "application/json"}};
        return request;
      },
      label);
  if (response.status != 200) {
    fail(response.status == 401 || response.status == 403 ? ErrorKind::auth : ErrorKind::fetch,
         label + ": HTTP " + std::to_string(response.status) + "; " + kOidcHint);
  }
  const auto doc = nlohmann::json::parse(response.body, nullptr, false);
  if (!doc.is_object() || !doc.contains("value") || !doc["value"].is_string() ||
      doc["value"].get<std::string>().empty()) {
    fail(ErrorKind::auth, label + ": the answer holds no token ({\"value\": ...} expected)");
  }
  return doc["value"].get<std::string>();
}

std::string web_identity_token(const Environment& env, const ApiContext& context) {
  if (const auto file = env("AWS_WEB_IDENTITY_TOKEN_FILE")) {
    const auto text = read_small_file(*file, "AWS_WEB_IDENTITY_TOKEN_FILE");
    // Not quoted: a variable that names no file may hold the token itself.
    if (!text) {
      fail(ErrorKind::auth,
           "AWS_WEB_IDENTITY_TOKEN_FILE names no existing file (it holds the path of the token "
           "file, not the token)");
    }
    const std::string token(trim(*text));
    if (token.empty()) fail(ErrorKind::auth, "AWS_WEB_IDENTITY_TOKEN_FILE " + *file + " is empty");
    return token;
  }
  return actions_oidc_token(env, context);
}

AwsCredentials assume_role_with_web_identity(const Environment& env, const ApiContext& context,
                                             std::string_view region) {
  const std::string role = *env("AWS_ROLE_ARN");
  const std::string token = web_identity_token(env, context);
  const std::string session =
      env("AWS_ROLE_SESSION_NAME")
          .value_or("kvonce-trace-" +
                    std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                       now(context.policy.clock).time_since_epoch())
                                       .count()));
  std::string endpoint = sts_endpoint(env, region);
  if (endpoint.empty() || endpoint.back() != '/') endpoint.push_back('/');
  const std::string label =
      "STS AssumeRoleWithWebIdentity for " + role + " at " + net::redact_url(endpoint);
  const std::string body = form_encode({{"Action", "AssumeRoleWithWebIdentity"},
                                        {"Version", "2011-06-15"},
                                        {"RoleArn", role},
                                        {"RoleSessionName", session},
                                        {"WebIdentityToken", token}});
  const auto response = call_api(
      context,
      [&] {
        auto request = api_request(context, "POST", endpoint);
        request.headers = {{"Content-Type", "application/x-www-form-urlencoded"},
                           {"Accept", "application/xml"}};
        request.body = body;
        return request;
      },
      label);
  if (response.status != 200) {
    const std::string code = xml::text(response.body, "Code").value_or("");
    const std::string message = short_message(xml::text(response.body, "Message").value_or(""));
    fail(response.status >= 500 ? ErrorKind::fetch : ErrorKind::auth,
         label + ": HTTP " + std::to_string(response.status) + (code.empty() ? "" : " " + code) +
             (message.empty() ? "" : " (" + message + ")") +
             "; check the role's trust policy for this identity provider and audience");
  }
  AwsCredentials credentials = parse_sts_credentials(response.body);
  credentials.source = "web identity (" + role + ")";
  return credentials;
}

// When AWS_PROFILE names a profile of the config file (~/.aws/config), says that such profiles
// (role_arn with source_profile, sso_*, credential_process) are not read: otherwise "no such
// profile" looks wrong to someone who can see the profile in that file.
std::string config_profile_hint(const Environment& env, const std::string& profile) {
  const auto file = env("AWS_CONFIG_FILE");
  const auto home = env("HOME");
  if (!file && !home) return "";
  const std::string path = file ? *file : *home + "/.aws/config";
  const auto text = read_small_file(path, "AWS config file");
  if (!text) return "";
  const std::string section = profile == "default" ? "[default]" : "[profile " + profile + "]";
  std::string_view rest = *text;
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    if (trim(rest.substr(0, end)) == section) {
      // The path from AWS_CONFIG_FILE is not quoted, as for the credentials file.
      return "; the profile is in " + (file ? std::string("AWS_CONFIG_FILE") : path) +
             ", and config-file profiles (role_arn, sso_*, credential_process) are not "
             "supported: put its keys in the credentials file, or use web identity "
             "(AWS_ROLE_ARN with AWS_WEB_IDENTITY_TOKEN_FILE, or GitHub OIDC)";
    }
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
  }
  return "";
}

std::optional<AwsCredentials> shared_file_credentials(const Environment& env) {
  std::string path;
  const auto file = env("AWS_SHARED_CREDENTIALS_FILE");
  if (file) {
    path = *file;
  } else if (auto home = env("HOME")) {
    path = *home + "/.aws/credentials";
  } else {
    return std::nullopt;
  }
  const std::string profile = env("AWS_PROFILE").value_or("default");
  const auto text = read_small_file(path, "AWS shared credentials file");
  if (!text) {
    if (env("AWS_PROFILE")) {
      // A path from the variable is not quoted: one that names no file may hold the file's text.
      fail(ErrorKind::auth, "AWS_PROFILE=" + profile + ": no credentials file " +
                                (file ? "at AWS_SHARED_CREDENTIALS_FILE" : path) +
                                config_profile_hint(env, profile));
    }
    return std::nullopt;
  }
  auto credentials = parse_shared_credentials(*text, profile);
  if (!credentials && env("AWS_PROFILE")) {
    fail(ErrorKind::auth, "AWS_PROFILE=" + profile + ": no such profile in " + path +
                              config_profile_hint(env, profile));
  }
  if (credentials) credentials->source = "profile " + profile + " in " + path;
  return credentials;
}

}  // namespace

AwsCredentials parse_sts_credentials(std::string_view doc) {
  const auto blocks = xml::elements(doc, "Credentials");
  AwsCredentials out;
  if (!blocks.empty()) {
    out.access_key_id = std::string(trim(xml::text(blocks.front(), "AccessKeyId").value_or("")));
    out.secret_access_key =
        std::string(trim(xml::text(blocks.front(), "SecretAccessKey").value_or("")));
    out.session_token = std::string(trim(xml::text(blocks.front(), "SessionToken").value_or("")));
  }
  if (out.access_key_id.empty() || out.secret_access_key.empty() || out.session_token.empty()) {
    fail(ErrorKind::auth,
         "STS answer holds no complete <Credentials> (AccessKeyId, SecretAccessKey, "
         "SessionToken)");
  }
  return out;
}

std::optional<AwsCredentials> parse_shared_credentials(std::string_view ini,
                                                       std::string_view profile) {
  bool in_profile = false, found = false;
  AwsCredentials out;
  std::size_t start = 0;
  while (start <= ini.size()) {
    const std::size_t end = std::min(ini.find('\n', start), ini.size());
    const std::string_view line = trim(ini.substr(start, end - start));
    start = end + 1;
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    if (line.front() == '[' && line.back() == ']') {
      in_profile = trim(line.substr(1, line.size() - 2)) == profile;
      found = found || in_profile;
      continue;
    }
    const std::size_t eq = line.find('=');
    if (!in_profile || eq == std::string_view::npos) continue;
    const std::string key = to_lower_ascii(trim(line.substr(0, eq)));
    const std::string value(trim(line.substr(eq + 1)));
    if (key == "aws_access_key_id") out.access_key_id = value;
    if (key == "aws_secret_access_key") out.secret_access_key = value;
    if (key == "aws_session_token") out.session_token = value;
  }
  if (!found) return std::nullopt;
  if (out.access_key_id.empty() || out.secret_access_key.empty()) {
    fail(ErrorKind::auth, "AWS profile " + std::string(profile) +
                              " lacks aws_access_key_id or aws_secret_access_key");
  }
  return out;
}

AwsCredentials resolve_aws_credentials(const Environment& env, const ApiContext& context,
                                       std::string_view region) {
  const auto key_id = env("AWS_ACCESS_KEY_ID");
  const auto secret = env("AWS_SECRET_ACCESS_KEY");
  if (key_id || secret) {
    if (!key_id || !secret) {
      fail(ErrorKind::auth, std::string(key_id ? "AWS_ACCESS_KEY_ID is set but "
                                                 "AWS_SECRET_ACCESS_KEY is not"
                                               : "AWS_SECRET_ACCESS_KEY is set but "
                                                 "AWS_ACCESS_KEY_ID is not"));
    }
    return {*key_id, *secret, env("AWS_SESSION_TOKEN").value_or(""), "environment"};
  }
  const bool has_token_source =
      env("AWS_WEB_IDENTITY_TOKEN_FILE") ||
      (env("ACTIONS_ID_TOKEN_REQUEST_URL") && env("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
  if (env("AWS_ROLE_ARN") && has_token_source) {
    return assume_role_with_web_identity(env, context, region);
  }
  if (auto credentials = shared_file_credentials(env)) return *credentials;
  std::string message =
      "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_ROLE_ARN with "
      "AWS_WEB_IDENTITY_TOKEN_FILE (or GitHub's OIDC token: 'permissions: id-token: write'), or "
      "a profile in the shared credentials file";
  if (env("AWS_WEB_IDENTITY_TOKEN_FILE") && !env("AWS_ROLE_ARN")) {
    message += " (AWS_WEB_IDENTITY_TOKEN_FILE is set, but AWS_ROLE_ARN is not)";
  }
  if (env("AWS_ROLE_ARN")) {
    message +=
        " (AWS_ROLE_ARN is set, but neither AWS_WEB_IDENTITY_TOKEN_FILE nor "
        "ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN is)";
  }
  fail(ErrorKind::auth, message);
}

}  // namespace kvonce::cloud

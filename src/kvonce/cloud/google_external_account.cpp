// Workload identity federation: subject token, STS token exchange, service account impersonation.
#include "kvonce/cloud/google_external_account.hpp"

#include "kvonce/cloud/google_token_endpoint.hpp"
#include "kvonce/cloud/small_file.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::cloud {
namespace {

constexpr const char* kCloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform";

std::string string_member(const nlohmann::json& doc, const char* name) {
  const auto it = doc.find(name);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The token in `content` according to credential_source.format.
std::string subject_from(const std::string& content, const nlohmann::json& source,
                         const std::string& what) {
  const auto format = source.find("format");
  const bool json =
      format != source.end() && format->is_object() && string_member(*format, "type") == "json";
  std::string token;
  if (json) {
    const std::string field = string_member(*format, "subject_token_field_name");
    const auto doc = nlohmann::json::parse(content, nullptr, false);
    if (field.empty() || !doc.is_object()) {
      fail(ErrorKind::auth, what + ": expected a JSON object with subject_token_field_name");
    }
    token = string_member(doc, field.c_str());
    if (token.empty()) fail(ErrorKind::auth, what + ": no string member \"" + field + "\"");
  } else {
    token = std::string(trim(content));
  }
  if (token.empty()) fail(ErrorKind::auth, what + ": empty subject token");
  return token;
}

std::string subject_from_url(const nlohmann::json& source, const ApiContext& context) {
  const std::string url = string_member(source, "url");
  const std::string label = "external account subject token " + net::redact_url(url);
  net::Headers headers;
  if (const auto it = source.find("headers"); it != source.end() && it->is_object()) {
    for (const auto& [name, value] : it->items()) {
      if (value.is_string()) headers.emplace_back(name, value.get<std::string>());
    }
  }
  const auto response = call_api(
      context,
      [&] {
        auto request = api_request(context, "GET", url);
        request.headers = headers;
        return request;
      },
      label);
  if (response.status != 200) {
    fail(response.status >= 500 ? ErrorKind::fetch : ErrorKind::auth,
         label + ": HTTP " + std::to_string(response.status) +
             "; on GitHub Actions the workflow needs 'permissions: id-token: write'");
  }
  return subject_from(response.body, source, label);
}

}  // namespace

std::string external_subject_token(const nlohmann::json& config, const std::string& path,
                                   const ApiContext& context) {
  const auto source = config.find("credential_source");
  if (source == config.end() || !source->is_object()) {
    fail(ErrorKind::auth, path + ": external_account without credential_source");
  }
  const std::string file = string_member(*source, "file");
  if (!file.empty()) {
    const auto text = read_small_file(file, "credential_source file");
    if (!text) fail(ErrorKind::auth, path + ": credential_source file " + file + " does not exist");
    return subject_from(*text, *source, "credential_source file " + file);
  }
  if (!string_member(*source, "url").empty()) return subject_from_url(*source, context);
  fail(ErrorKind::auth, path +
                            ": credential_source has neither \"file\" nor \"url\" (executable "
                            "and AWS sources are not supported)");
}

GoogleToken external_account_token(const nlohmann::json& config, const std::string& path,
                                   const ApiContext& context) {
  const std::string token_url = string_member(config, "token_url");
  const std::string audience = string_member(config, "audience");
  const std::string subject_type = string_member(config, "subject_token_type");
  if (token_url.empty() || audience.empty() || subject_type.empty()) {
    fail(ErrorKind::auth, path +
                              ": external_account needs token_url, audience and "
                              "subject_token_type");
  }
  const std::string subject = external_subject_token(config, path, context);

  const std::string sts_label = "Google STS token exchange at " + net::redact_url(token_url);
  const auto exchanged = post_for_token(
      context, token_url, {{"Content-Type", "application/x-www-form-urlencoded"}},
      form_encode({{"grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"},
                   {"audience", audience},
                   {"scope", kCloudPlatformScope},
                   {"requested_token_type", "urn:ietf:params:oauth:token-type:access_token"},
                   {"subject_token", subject},
                   {"subject_token_type", subject_type}}),
      sts_label);
  const std::string federated = token_field(exchanged, "access_token", sts_label);

  const std::string impersonation_url = string_member(config, "service_account_impersonation_url");
  if (impersonation_url.empty()) return {federated, "external account (" + path + ")"};

  const std::string iam_label =
      "service account impersonation at " + net::redact_url(impersonation_url);
  const nlohmann::json body = {{"scope", {std::string(kStorageReadScope)}}, {"lifetime", "3600s"}};
  const auto impersonated = post_for_token(
      context, impersonation_url,
      {{"Content-Type", "application/json"}, {"Authorization", "Bearer " + federated}}, body.dump(),
      iam_label);
  return {token_field(impersonated, "accessToken", iam_label),
          "external account (" + path + ") impersonating a service account"};
}

}  // namespace kvonce::cloud

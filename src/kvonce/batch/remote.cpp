#include "kvonce/batch/remote.hpp"

#include <nlohmann/json.hpp>

#include "kvonce/batch/payload_ref.hpp"
#include "kvonce/cloud/api_call.hpp"
#include "kvonce/cloud/aws_credentials.hpp"
#include "kvonce/cloud/gcs.hpp"
#include "kvonce/cloud/google_credentials.hpp"
#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/cloud/s3.hpp"
#include "kvonce/cloud/s3_address.hpp"
#include "kvonce/cloud/sigv4.hpp"
#include "kvonce/cloud/xml_text.hpp"
#include "kvonce/fetch/retry.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::batch {
namespace {

using Overrides = std::map<std::string, std::optional<std::string>>;

// `base` with some variables replaced (nullopt = unset).
Environment overlay(const Environment& base, Overrides overrides) {
  return [base, overrides = std::move(overrides)](const std::string& name) {
    const auto it = overrides.find(name);
    return it != overrides.end() ? it->second : base(name);
  };
}

void check_listing_size(std::size_t count, const std::string& label) {
  if (count > kMaxListing) {
    fail(ErrorKind::limit, label + ": more than " + std::to_string(kMaxListing) +
                               " payloads; narrow the prefix or the dates (--from/--to)");
  }
}

std::string gcs_api(const Environment& env) {
  std::string api = env("KVONCE_GCS_API_URL").value_or("https://storage.googleapis.com");
  while (!api.empty() && api.back() == '/') api.pop_back();
  if (!net::parse_url(api)) {
    fail(ErrorKind::usage, "GCS API URL '" + net::redact_url(api) + "' is not a URL");
  }
  return api;
}

std::vector<std::string> list_s3(const cloud::ObjectUri& uri, const Environment& env,
                                 const cloud::ApiContext& context) {
  cloud::S3Options options;
  options.uri = uri.str();
  const cloud::S3Address address = cloud::resolve_s3_address(options, env, uri.bucket);
  const cloud::AwsCredentials credentials =
      cloud::resolve_aws_credentials(env, context, address.region);
  const std::string label = "S3 ListObjectsV2 " + uri.str();
  std::vector<std::string> out;
  std::string token;
  for (;;) {
    cloud::QueryParams query{{"list-type", "2"}, {"prefix", uri.key}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    const auto make_request = [&] {
      cloud::SigV4Request to_sign;
      to_sign.host = address.host;
      to_sign.encoded_path = address.base_path + "/";
      to_sign.query = query;
      const auto signature = cloud::sign_v4(to_sign, credentials, address.region, "s3",
                                            cloud::amz_date(std::chrono::system_clock::now()));
      auto request =
          cloud::api_request(context, "GET", address.url("/", cloud::canonical_query(query)));
      request.headers = signature.headers;
      return request;
    };
    const auto response = cloud::call_api(context, make_request, label);
    if (response.status != 200) {
      fetch::throw_http_error(response, label,
                              "check s3:ListBucket on the bucket for these "
                              "credentials (" +
                                  credentials.source + ")");
    }
    for (const auto contents : cloud::xml::elements(response.body, "Contents")) {
      const std::string key = cloud::xml::text(contents, "Key").value_or("");
      if (is_payload_name(key)) out.push_back("s3://" + uri.bucket + "/" + key);
    }
    check_listing_size(out.size(), label);
    if (cloud::xml::text(response.body, "IsTruncated").value_or("false") != "true") break;
    std::string next = cloud::xml::text(response.body, "NextContinuationToken").value_or("");
    if (next.empty() || next == token) {
      fail(ErrorKind::fetch, label + ": truncated listing without a new continuation token");
    }
    token = std::move(next);
  }
  return out;
}

std::vector<std::string> list_gcs(const cloud::ObjectUri& uri, const Environment& env,
                                  const cloud::ApiContext& context) {
  const std::string base = gcs_api(env) + "/storage/v1/b/" + cloud::uri_encode(uri.bucket) + "/o";
  const cloud::GoogleToken token = cloud::resolve_google_token(env, context, std::nullopt);
  const std::string label = "GCS objects.list " + uri.str();
  std::vector<std::string> out;
  std::string page;
  for (;;) {
    std::string url = base + "?prefix=" + cloud::uri_encode(uri.key);
    if (!page.empty()) url += "&pageToken=" + cloud::uri_encode(page);
    const auto make_request = [&] {
      auto request = cloud::api_request(context, "GET", url);
      request.headers = {{"Authorization", "Bearer " + token.access_token}};
      return request;
    };
    const auto response = cloud::call_api(context, make_request, label);
    if (response.status != 200) {
      fetch::throw_http_error(response, label,
                              "check storage.objects.list on the bucket for " + token.source);
    }
    const auto doc = nlohmann::json::parse(response.body, nullptr, false);
    if (!doc.is_object()) fail(ErrorKind::fetch, label + ": the answer is not a JSON object");
    if (const auto items = doc.find("items"); items != doc.end() && items->is_array()) {
      for (const auto& item : *items) {
        const auto name = item.is_object() ? item.find("name") : item.end();
        if (name == item.end() || !name->is_string()) continue;
        const std::string key = name->get<std::string>();
        if (is_payload_name(key)) out.push_back("gs://" + uri.bucket + "/" + key);
      }
    }
    check_listing_size(out.size(), label);
    const auto next = doc.find("nextPageToken");
    if (next == doc.end() || !next->is_string() || next->get<std::string>().empty()) break;
    if (next->get<std::string>() == page)
      fail(ErrorKind::fetch, label + ": the same page token twice");
    page = next->get<std::string>();
  }
  return out;
}

}  // namespace

bool is_remote_input(std::string_view input) {
  return input.rfind("s3://", 0) == 0 || input.rfind("gs://", 0) == 0;
}

RemoteStore::RemoteStore(Environment env, fetch::DownloadPolicy policy)
    : env_(std::move(env)), policy_(std::move(policy)) {}

Environment RemoteStore::credentials_env(const std::string& scheme, const std::string& bucket,
                                         net::HttpTransport& transport) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::optional<Cached>& cached = scheme == "s3" ? s3_ : gcs_;
  const auto now = std::chrono::steady_clock::now();
  if (cached && now - cached->at < kCredentialLifetime) return cached->env;
  const cloud::ApiContext context{transport, policy_, {}};
  if (scheme == "s3") {
    cloud::S3Options options;
    const auto region = cloud::resolve_s3_address(options, env_, bucket).region;
    const cloud::AwsCredentials c = cloud::resolve_aws_credentials(env_, context, region);
    cached = Cached{
        overlay(env_, {{"AWS_ACCESS_KEY_ID", c.access_key_id},
                       {"AWS_SECRET_ACCESS_KEY", c.secret_access_key},
                       {"AWS_SESSION_TOKEN",
                        c.session_token.empty() ? std::nullopt : std::optional(c.session_token)}}),
        now};
  } else {
    const cloud::GoogleToken token = cloud::resolve_google_token(env_, context, std::nullopt);
    cached = Cached{overlay(env_, {{"GOOGLE_OAUTH_ACCESS_TOKEN", token.access_token}}), now};
  }
  return cached->env;
}

std::vector<std::string> RemoteStore::list(const std::string& prefix_uri,
                                           net::HttpTransport& transport) {
  const bool s3 = prefix_uri.rfind("s3://", 0) == 0;
  const cloud::ObjectUri uri = cloud::parse_object_uri(prefix_uri, s3 ? "s3" : "gs");
  if (!uri.is_prefix()) fail(ErrorKind::usage, uri.str() + " is not a prefix (it must end in '/')");
  const Environment env = credentials_env(uri.scheme, uri.bucket, transport);
  const cloud::ApiContext context{transport, policy_, {}};
  return s3 ? list_s3(uri, env, context) : list_gcs(uri, env, context);
}

fetch::DownloadResult RemoteStore::download(const std::string& uri,
                                            const std::filesystem::path& target,
                                            net::HttpTransport& transport) {
  const bool s3 = uri.rfind("s3://", 0) == 0;
  const cloud::ObjectUri parsed = cloud::parse_object_uri(uri, s3 ? "s3" : "gs");
  const Environment env = credentials_env(parsed.scheme, parsed.bucket, transport);
  if (s3) {
    cloud::S3Options options;
    options.uri = uri;
    return cloud::fetch_s3_object(options, env, transport, target, policy_).download;
  }
  cloud::GcsOptions options;
  options.uri = uri;
  return cloud::fetch_gcs_object(options, env, transport, target, policy_).download;
}

}  // namespace kvonce::batch

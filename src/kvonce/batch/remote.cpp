#include "kvonce/batch/remote.hpp"

#include "kvonce/batch/payload_ref.hpp"
#include "kvonce/cloud/api_call.hpp"
#include "kvonce/cloud/aws_credentials.hpp"
#include "kvonce/cloud/gcs.hpp"
#include "kvonce/cloud/google_credentials.hpp"
#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/cloud/s3.hpp"
#include "kvonce/cloud/s3_address.hpp"
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
  const cloud::ListingScope scope{[](std::string_view name) { return is_payload_name(name); },
                                  kMaxListing,
                                  "payloads; narrow the prefix or the dates (--from/--to)"};
  std::vector<std::string> names;
  if (s3) {
    cloud::S3Options options;
    options.uri = uri.str();
    names = cloud::list_s3_objects(options, env, transport, policy_, scope);
  } else {
    cloud::GcsOptions options;
    options.uri = uri.str();
    names = cloud::list_gcs_objects(options, env, transport, policy_, scope);
  }
  for (std::string& name : names) name = uri.scheme + "://" + uri.bucket + "/" + name;
  return names;
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

// Google Cloud Storage through the JSON API: objects.get (alt=media) and objects.list.
//
// Endpoints (overridable for tests and private endpoints):
//   API:  options.api_url, else KVONCE_GCS_API_URL, else https://storage.googleapis.com
//         (object: {api}/storage/v1/b/{bucket}/o/{object, fully percent-encoded}?alt=media)
// Token endpoints come from the credential files themselves (token_uri, token_url,
// service_account_impersonation_url); options.token_url overrides the service-account token_uri
// (env KVONCE_GCS_TOKEN_URL), see google_credentials.hpp.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/cloud/listing.hpp"
#include "kvonce/cloud/s3.hpp"  // ObjectFetch
#include "kvonce/fetch/download.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::cloud {

struct GcsOptions {
  std::string uri;  // gs://bucket/object, or gs://bucket/prefix/ (ending in '/') for a listing
  std::optional<std::string> api_url;    // default: KVONCE_GCS_API_URL or storage.googleapis.com
  std::optional<std::string> token_url;  // overrides a service-account key's token_uri
  std::vector<std::string> resolve;      // "host:port:address", as curl's --resolve
};

// Downloads gs://bucket/object to `target`. Errors as fetch_s3_object.
ObjectFetch fetch_gcs_object(const GcsOptions& options, const Environment& env,
                             net::HttpTransport& transport, const std::filesystem::path& target,
                             const fetch::DownloadPolicy& policy);

// The names of the objects under gs://bucket/prefix/ (objects.list with pageToken) that `scope`
// keeps. Errors as fetch_gcs_object.
std::vector<std::string> list_gcs_objects(const GcsOptions& options, const Environment& env,
                                          net::HttpTransport& transport,
                                          const fetch::DownloadPolicy& policy,
                                          const ListingScope& scope);

// Lists every object under gs://bucket/prefix/ (objects.list with pageToken) and downloads each to
// target_dir/<name relative to the prefix>. Same rules as fetch_s3_prefix.
std::vector<ObjectFetch> fetch_gcs_prefix(const GcsOptions& options, const Environment& env,
                                          net::HttpTransport& transport,
                                          const std::filesystem::path& target_dir,
                                          const fetch::DownloadPolicy& policy);

}  // namespace kvonce::cloud

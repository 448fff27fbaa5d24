// Payloads in S3 and GCS for a batch: listing a prefix, and downloading one object at a time.
//
// Listings use ListObjectsV2 (S3, continuation tokens) and objects.list (GCS, page tokens); only
// payload names are kept (payload_ref.hpp), at most kMaxListing per prefix. Endpoints, regions
// and credentials come from the environment exactly as for `fetch --s3/--gcs` (cloud/s3.hpp,
// cloud/gcs.hpp). Downloads go through cloud::fetch_s3_object / fetch_gcs_object: bounded, hashed,
// retried, atomic.
//
// Credentials are resolved once, by the first listing or download, and handed to every later
// download as plain credentials (AWS_ACCESS_KEY_ID/... or GOOGLE_OAUTH_ACCESS_TOKEN), so a web
// identity or service-account exchange happens once and not once per object. They are resolved
// afresh after kCredentialLifetime, well within the hour such credentials last.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/fetch/download.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::batch {

inline constexpr std::size_t kMaxListing = 100'000;
inline constexpr std::chrono::minutes kCredentialLifetime{30};

using TransportFactory = std::function<std::unique_ptr<net::HttpTransport>()>;

// True for "s3://..." and "gs://...".
bool is_remote_input(std::string_view input);

class RemoteStore {
 public:
  RemoteStore(Environment env, fetch::DownloadPolicy policy);

  // Object URIs under `prefix_uri` (s3://bucket/prefix/ or gs://bucket/prefix/), in listing
  // order. Error(usage) for a malformed URI, Error(auth/fetch) as the service answers,
  // Error(limit) over kMaxListing.
  std::vector<std::string> list(const std::string& prefix_uri, net::HttpTransport& transport);

  // Downloads one object to `target`. Thread-safe: each thread passes its own transport.
  fetch::DownloadResult download(const std::string& uri, const std::filesystem::path& target,
                                 net::HttpTransport& transport);

 private:
  struct Cached {
    Environment env;  // the base environment with the resolved credentials on top
    std::chrono::steady_clock::time_point at;
  };
  Environment credentials_env(const std::string& scheme, const std::string& bucket,
                              net::HttpTransport& transport);

  Environment env_;
  fetch::DownloadPolicy policy_;
  std::mutex mutex_;
  std::optional<Cached> s3_, gcs_;
};

}  // namespace kvonce::batch

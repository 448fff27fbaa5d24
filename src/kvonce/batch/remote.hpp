// Payloads in object stores for a batch: listing a prefix, and downloading one object at a time.
//
// Only payload names are kept (payload_ref.hpp), at most kMaxListing per prefix. Endpoints,
// regions and credentials come from the environment exactly as for `fetch --s3/--gcs`; each
// store backend (cloud/object_store.hpp) resolves its credentials once and keeps them, so a web
// identity or service-account exchange happens once per batch, not once per object. Downloads
// are bounded, hashed, retried and atomic.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "kvonce/cloud/object_store.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/transfer/download.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::batch {

inline constexpr std::size_t kMaxListing = 100'000;

using TransportFactory = std::function<std::unique_ptr<net::HttpTransport>()>;

// True for a URI of an object store ("s3://...", "gs://...").
bool is_remote_input(std::string_view input);

class RemoteStore {
 public:
  RemoteStore(Environment env, transfer::DownloadPolicy policy);

  // Object URIs under `prefix_uri` (s3://bucket/prefix/ or gs://bucket/prefix/), in listing
  // order. Error(usage) for a malformed URI, Error(auth/fetch) as the service answers,
  // Error(limit) over kMaxListing.
  std::vector<std::string> list(const std::string& prefix_uri, net::HttpTransport& transport);

  // Downloads one object to `target`. Thread-safe: each thread passes its own transport.
  transfer::DownloadResult download(const std::string& uri, const std::filesystem::path& target,
                                    net::HttpTransport& transport);

 private:
  // The store of `uri`'s scheme, opened on first use and kept (with its credentials).
  cloud::ObjectStore& store_for(const cloud::ObjectUri& uri);

  Environment env_;
  transfer::DownloadPolicy policy_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<cloud::ObjectStore>> stores_;  // by scheme
};

}  // namespace kvonce::batch

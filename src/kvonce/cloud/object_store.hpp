// Object stores behind one interface: list a prefix, get an object to a verified file.
//
// Each store is a backend (S3 in s3.cpp, GCS in gcs.cpp) that owns its addressing, its
// credential resolution and the cache of what it resolved, so that a batch exchanges a web
// identity or a service-account key once, not once per object. `fetch`, `batch` and
// `report --metadata-for` find backends in one table by URI scheme: adding a store is one file
// pair (its backend) and one row of that table (object_store.cpp).
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/cloud/listing.hpp"
#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/transfer/download.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::cloud {

// Settings given on the command line; what is unset comes from the environment (see each
// backend's header for the variables it reads).
struct StoreSettings {
  std::optional<std::string> region, endpoint;    // S3
  std::optional<bool> force_path_style, use_ssl;  // S3
  std::optional<std::string> api_url, token_url;  // GCS
  std::vector<std::string> resolve;               // "host:port:address", as curl's --resolve
};

// Resolved credentials are used at most this long, well within the hour they last.
inline constexpr std::chrono::minutes kCredentialLifetime{30};

// A backend's resolved credential, shared by the threads of a batch and resolved again after
// kCredentialLifetime.
template <typename Credential>
class CredentialCache {
 public:
  template <typename Resolve>
  Credential get(Resolve resolve) {
    const std::lock_guard<std::mutex> lock(mutex_);
    const auto now = std::chrono::steady_clock::now();
    if (!value_ || now - resolved_at_ >= kCredentialLifetime) {
      value_ = resolve();
      resolved_at_ = now;
    }
    return *value_;
  }

 private:
  std::mutex mutex_;
  std::optional<Credential> value_;
  std::chrono::steady_clock::time_point resolved_at_;
};

// One fetched object. `source_detail` names it without any credential (s3://bucket/key).
struct ObjectFetch {
  transfer::DownloadResult download;
  std::string source_detail;  // redacted
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;
  // The names (keys relative to the bucket) under `prefix` that `scope` keeps, in listing order.
  // Errors: usage (malformed settings), auth (no or rejected credentials), fetch, limit.
  virtual std::vector<std::string> list(const ObjectUri& prefix, net::HttpTransport& transport,
                                        const ListingScope& scope) = 0;
  // Downloads one object to `target`: bounded, hashed, retried, atomic. Thread-safe when each
  // thread passes its own transport.
  virtual ObjectFetch get(const ObjectUri& object, net::HttpTransport& transport,
                          const OutputPath& target) = 0;
};

struct StoreBackend {
  std::string_view scheme;       // of its URIs: "s3" for s3://bucket/key
  std::string_view source_type;  // in the payload metadata: "s3", "gcs"
  std::unique_ptr<ObjectStore> (*open)(const Environment& env, const StoreSettings& settings,
                                       const transfer::DownloadPolicy& policy);
};

// Every backend, in the order help texts list them.
std::span<const StoreBackend> store_backends();

// The backend of "<scheme>://..." (scheme in any case), or null.
const StoreBackend* backend_for_uri(std::string_view uri);
// The backend whose metadata source type is `source_type`, or null.
const StoreBackend* backend_for_source_type(std::string_view source_type);

// The object or prefix `uri` names, parsed for its backend (Error(usage) when no backend has its
// scheme).
ObjectUri parse_store_uri(std::string_view uri);

// Downloads the object `uri` names to `target`; Error(usage) when it names a prefix.
ObjectFetch fetch_store_object(ObjectStore& store, const ObjectUri& uri,
                               net::HttpTransport& transport, const OutputPath& target);

// Lists every object under the prefix `uri` and downloads each to target_dir/<name relative to
// the prefix>, creating subdirectories, all or nothing (listed_objects.hpp); those names come
// from the listing, so none is written through a link (output_dir.hpp). The policy's
// max_bytes applies to each object. An empty listing is Error(input).
std::vector<ObjectFetch> fetch_store_prefix(ObjectStore& store, const ObjectUri& uri,
                                            net::HttpTransport& transport,
                                            const OutputDir& target_dir);

}  // namespace kvonce::cloud

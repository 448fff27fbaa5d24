#include "kvonce/cloud/object_store.hpp"

#include <array>

#include "kvonce/cloud/gcs.hpp"
#include "kvonce/cloud/listed_objects.hpp"
#include "kvonce/cloud/s3.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::cloud {
namespace {

// The scheme -> backend table: one row per store.
constexpr std::array kBackends{
    StoreBackend{"s3", "s3", &open_s3_store},
    StoreBackend{"gs", "gcs", &open_gcs_store},
};

}  // namespace

std::span<const StoreBackend> store_backends() {
  return kBackends;
}

const StoreBackend* backend_for_uri(std::string_view uri) {
  const auto colon = uri.find("://");
  if (colon == std::string_view::npos) return nullptr;
  const std::string scheme = to_lower_ascii(uri.substr(0, colon));
  for (const StoreBackend& b : kBackends) {
    if (b.scheme == scheme) return &b;
  }
  return nullptr;
}

const StoreBackend* backend_for_source_type(std::string_view source_type) {
  for (const StoreBackend& b : kBackends) {
    if (b.source_type == source_type) return &b;
  }
  return nullptr;
}

ObjectUri parse_store_uri(std::string_view uri) {
  const StoreBackend* backend = backend_for_uri(uri);
  if (!backend) fail(ErrorKind::usage, "not an object-store URI (s3:// or gs://)");
  // Schemes are case-insensitive: S3://bucket/key is s3://bucket/key.
  const std::string normal =
      std::string(backend->scheme) + std::string(uri.substr(uri.find("://")));
  return parse_object_uri(normal, backend->scheme);
}

ObjectFetch fetch_store_object(ObjectStore& store, const ObjectUri& uri,
                               net::HttpTransport& transport, const OutputPath& target) {
  if (uri.is_prefix()) {
    fail(ErrorKind::usage,
         uri.str() + " names a prefix, not an object (fetch it into a directory)");
  }
  return store.get(uri, transport, target);
}

std::vector<ObjectFetch> fetch_store_prefix(ObjectStore& store, const ObjectUri& uri,
                                            net::HttpTransport& transport,
                                            const OutputDir& target_dir) {
  if (!uri.is_prefix()) fail(ErrorKind::usage, uri.str() + " is not a prefix (it must end in '/')");
  const auto names = store.list(uri, transport, ListingScope{});
  return fetch_listed_objects(names, uri.key, target_dir, uri.str(),
                              [&](const std::string& name, const OutputPath& file) {
                                ObjectUri object = uri;
                                object.key = name;
                                return store.get(object, transport, file);
                              });
}

}  // namespace kvonce::cloud

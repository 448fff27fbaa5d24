#include "kvonce/batch/remote.hpp"

#include "kvonce/batch/payload_ref.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::batch {

bool is_remote_input(std::string_view input) {
  return cloud::backend_for_uri(input) != nullptr;
}

RemoteStore::RemoteStore(Environment env, transfer::DownloadPolicy policy)
    : env_(std::move(env)), policy_(std::move(policy)) {}

cloud::ObjectStore& RemoteStore::store_for(const cloud::ObjectUri& uri) {
  const std::lock_guard<std::mutex> lock(mutex_);
  auto& store = stores_[uri.scheme];
  if (!store) store = cloud::backend_for_uri(uri.str())->open(env_, {}, policy_);
  return *store;
}

std::vector<std::string> RemoteStore::list(const std::string& prefix_uri,
                                           net::HttpTransport& transport) {
  const cloud::ObjectUri uri = cloud::parse_store_uri(prefix_uri);
  if (!uri.is_prefix()) fail(ErrorKind::usage, uri.str() + " is not a prefix (it must end in '/')");
  const cloud::ListingScope scope{[](std::string_view name) { return is_payload_name(name); },
                                  kMaxListing,
                                  "payloads; narrow the prefix or the dates (--from/--to)"};
  std::vector<std::string> names = store_for(uri).list(uri, transport, scope);
  for (std::string& name : names) name = uri.scheme + "://" + uri.bucket + "/" + name;
  return names;
}

transfer::DownloadResult RemoteStore::download(const std::string& uri,
                                               const std::filesystem::path& target,
                                               net::HttpTransport& transport) {
  const cloud::ObjectUri parsed = cloud::parse_store_uri(uri);
  return store_for(parsed).get(parsed, transport, target).download;
}

}  // namespace kvonce::batch

// Google Cloud Storage through the JSON API: objects.get with alt=media, objects.list with
// pageToken, a bearer token from google_credentials.
#include "kvonce/cloud/gcs.hpp"

#include <nlohmann/json.hpp>

#include "kvonce/cloud/api_call.hpp"
#include "kvonce/cloud/google_credentials.hpp"
#include "kvonce/cloud/listing.hpp"
#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/cloud/sigv4.hpp"  // uri_encode
#include "kvonce/net/url.hpp"
#include "kvonce/transfer/retry.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::cloud {
namespace {

struct GcsSession {
  ApiContext context;
  std::string api;  // without trailing '/'
  GoogleToken token;

  net::HttpRequest get(const std::string& url) const {
    auto request = api_request(context, "GET", url);
    request.headers = {{"Authorization", "Bearer " + token.access_token}};
    return request;
  }
  std::string bucket_url(const std::string& bucket) const {
    return api + "/storage/v1/b/" + uri_encode(bucket) + "/o";
  }
};

ObjectFetch get_object(const GcsSession& session, const ObjectUri& uri, const OutputPath& target) {
  // The object name is one path segment: '/' is encoded too.
  const std::string url = session.bucket_url(uri.bucket) + "/" + uri_encode(uri.key) + "?alt=media";
  const std::string label = uri.str() + " (" + net::redact_url(url) + ")";
  ObjectFetch out;
  out.source_detail = uri.str();
  // GCS serves an object stored with Content-Encoding: gzip decompressed ("decompressive
  // transcoding") unless the request accepts gzip: ask for the bytes as stored.
  out.download = transfer::download_to_file(
      session.context.transport,
      [&] {
        auto request = session.get(url);
        request.headers.emplace_back("Accept-Encoding", "gzip");
        return request;
      },
      target, session.context.policy, label);
  return out;
}

// Every kept object name under uri.key, following page tokens.
std::vector<std::string> list_names(const GcsSession& session, const ObjectUri& uri,
                                    const ListingScope& scope) {
  std::vector<std::string> names;
  std::string page_token;
  const std::string label = "GCS objects.list " + uri.str();
  PageTokens tokens(scope, label);
  for (;;) {
    std::string url = session.bucket_url(uri.bucket) + "?prefix=" + uri_encode(uri.key);
    if (!page_token.empty()) url += "&pageToken=" + uri_encode(page_token);
    const auto response = call_api(
        session.context, [&] { return session.get(url); }, label);
    if (response.status != 200) {
      transfer::throw_http_error(
          response, label, now(session.context.policy.clock),
          "check storage.objects.list on the bucket for " + session.token.source);
    }
    const auto doc = nlohmann::json::parse(response.body, nullptr, false);
    if (!doc.is_object()) fail(ErrorKind::fetch, label + ": the answer is not a JSON object");
    if (const auto items = doc.find("items"); items != doc.end() && items->is_array()) {
      for (const auto& item : *items) {
        if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) continue;
        std::string name = item["name"].get<std::string>();
        if (is_listed(name, scope)) names.push_back(std::move(name));
      }
    }
    check_listing_size(names.size(), scope, label);
    const auto next = doc.find("nextPageToken");
    if (next == doc.end() || !next->is_string() || next->get<std::string>().empty()) break;
    tokens.next(next->get<std::string>());
    page_token = next->get<std::string>();
  }
  return names;
}

// The GCS backend: the API URL checked once, the token resolved once per store and kept for
// kCredentialLifetime, shared by the threads of a batch.
class GcsStore final : public ObjectStore {
 public:
  GcsStore(Environment env, StoreSettings settings, transfer::DownloadPolicy policy)
      : env_(std::move(env)), settings_(std::move(settings)), policy_(std::move(policy)) {
    api_ = settings_.api_url.value_or(
        env_("KVONCE_GCS_API_URL").value_or("https://storage.googleapis.com"));
    while (!api_.empty() && api_.back() == '/') api_.pop_back();
    if (!net::parse_url(api_)) {
      fail(ErrorKind::usage, "GCS API URL '" + net::redact_url(api_) + "' is not a URL");
    }
  }

  std::vector<std::string> list(const ObjectUri& prefix, net::HttpTransport& transport,
                                const ListingScope& scope) override {
    if (!prefix.is_prefix()) {
      fail(ErrorKind::usage, prefix.str() + " is not a prefix (it must end in '/')");
    }
    return list_names(session(transport), prefix, scope);
  }

  ObjectFetch get(const ObjectUri& object, net::HttpTransport& transport,
                  const OutputPath& target) override {
    return get_object(session(transport), object, target);
  }

 private:
  GcsSession session(net::HttpTransport& transport) {
    GcsSession s{ApiContext{transport, policy_, settings_.resolve}, api_, {}};
    s.token =
        token_.get([&] { return resolve_google_token(env_, s.context, settings_.token_url); });
    return s;
  }

  Environment env_;
  StoreSettings settings_;
  transfer::DownloadPolicy policy_;
  std::string api_;  // without trailing '/'
  CredentialCache<GoogleToken> token_;
};

}  // namespace

std::unique_ptr<ObjectStore> open_gcs_store(const Environment& env, const StoreSettings& settings,
                                            const transfer::DownloadPolicy& policy) {
  return std::make_unique<GcsStore>(env, settings, policy);
}

}  // namespace kvonce::cloud

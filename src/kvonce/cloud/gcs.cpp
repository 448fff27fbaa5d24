// Google Cloud Storage through the JSON API: objects.get with alt=media, objects.list with
// pageToken, a bearer token from google_credentials.
#include "kvonce/cloud/gcs.hpp"

#include <nlohmann/json.hpp>

#include "kvonce/cloud/api_call.hpp"
#include "kvonce/cloud/google_credentials.hpp"
#include "kvonce/cloud/listed_objects.hpp"
#include "kvonce/cloud/listing.hpp"
#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/cloud/sigv4.hpp"  // uri_encode
#include "kvonce/fetch/retry.hpp"
#include "kvonce/net/url.hpp"
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

GcsSession open_session(const GcsOptions& options, const Environment& env,
                        net::HttpTransport& transport, const fetch::DownloadPolicy& policy) {
  GcsSession session{ApiContext{transport, policy, options.resolve},
                     options.api_url.value_or(
                         env("KVONCE_GCS_API_URL").value_or("https://storage.googleapis.com")),
                     {}};
  while (!session.api.empty() && session.api.back() == '/') session.api.pop_back();
  if (!net::parse_url(session.api)) {
    fail(ErrorKind::usage, "GCS API URL '" + net::redact_url(session.api) + "' is not a URL");
  }
  session.token = resolve_google_token(env, session.context, options.token_url);
  return session;
}

ObjectFetch get_object(const GcsSession& session, const ObjectUri& uri,
                       const std::filesystem::path& target) {
  // The object name is one path segment: '/' is encoded too.
  const std::string url = session.bucket_url(uri.bucket) + "/" + uri_encode(uri.key) + "?alt=media";
  const std::string label = uri.str() + " (" + net::redact_url(url) + ")";
  ObjectFetch out;
  out.source_detail = uri.str();
  // GCS serves an object stored with Content-Encoding: gzip decompressed ("decompressive
  // transcoding") unless the request accepts gzip: ask for the bytes as stored.
  out.download = fetch::download_to_file(
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
      fetch::throw_http_error(
          response, label, "check storage.objects.list on the bucket for " + session.token.source);
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

}  // namespace

ObjectFetch fetch_gcs_object(const GcsOptions& options, const Environment& env,
                             net::HttpTransport& transport, const std::filesystem::path& target,
                             const fetch::DownloadPolicy& policy) {
  const ObjectUri uri = parse_object_uri(options.uri, "gs");
  if (uri.is_prefix()) {
    fail(ErrorKind::usage,
         uri.str() + " names a prefix, not an object (fetch it into a directory)");
  }
  const GcsSession session = open_session(options, env, transport, policy);
  return get_object(session, uri, target);
}

std::vector<std::string> list_gcs_objects(const GcsOptions& options, const Environment& env,
                                          net::HttpTransport& transport,
                                          const fetch::DownloadPolicy& policy,
                                          const ListingScope& scope) {
  const ObjectUri uri = parse_object_uri(options.uri, "gs");
  if (!uri.is_prefix()) fail(ErrorKind::usage, uri.str() + " is not a prefix (it must end in '/')");
  return list_names(open_session(options, env, transport, policy), uri, scope);
}

std::vector<ObjectFetch> fetch_gcs_prefix(const GcsOptions& options, const Environment& env,
                                          net::HttpTransport& transport,
                                          const std::filesystem::path& target_dir,
                                          const fetch::DownloadPolicy& policy) {
  const ObjectUri uri = parse_object_uri(options.uri, "gs");
  if (!uri.is_prefix()) fail(ErrorKind::usage, uri.str() + " is not a prefix (it must end in '/')");
  const GcsSession session = open_session(options, env, transport, policy);
  const auto names = list_names(session, uri, ListingScope{});
  return fetch_listed_objects(names, uri.key, target_dir, uri.str(),
                              [&](const std::string& name, const std::filesystem::path& file) {
                                ObjectUri object = uri;
                                object.key = name;
                                return get_object(session, object, file);
                              });
}

}  // namespace kvonce::cloud

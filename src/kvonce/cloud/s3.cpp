// S3 GetObject and ListObjectsV2 over the HTTP seam, each attempt signed afresh with SigV4.
#include "kvonce/cloud/s3.hpp"

#include "kvonce/cloud/api_call.hpp"
#include "kvonce/cloud/aws_credentials.hpp"
#include "kvonce/cloud/listing.hpp"
#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/cloud/s3_address.hpp"
#include "kvonce/cloud/sigv4.hpp"
#include "kvonce/cloud/xml_text.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/transfer/retry.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::cloud {
namespace {

// One bucket's requests: where they go and who signs them.
struct S3Session {
  ApiContext context;
  S3Address address;
  AwsCredentials credentials;

  net::HttpRequest signed_get(const std::string& encoded_path, const QueryParams& query) const {
    SigV4Request to_sign;
    to_sign.host = address.host;
    to_sign.encoded_path = address.base_path + encoded_path;
    to_sign.query = query;
    const auto signature =
        sign_v4(to_sign, credentials, address.region, "s3", amz_date(now(context.policy.clock)));
    auto request = api_request(context, "GET", address.url(encoded_path, canonical_query(query)));
    request.headers = signature.headers;
    return request;
  }
};

ObjectFetch get_object(const S3Session& session, const ObjectUri& uri, const OutputPath& target) {
  // HTTP clients remove "." and ".." path segments before sending, so such a key could not be
  // addressed (and its signature would not match).
  const std::string wrapped = "/" + uri.key + "/";
  if (wrapped.find("/./") != std::string::npos || wrapped.find("/../") != std::string::npos) {
    fail(ErrorKind::usage, uri.str() + ": keys with '.' or '..' path segments are not supported");
  }
  const std::string path = s3_encode_key_path(uri.key);
  const std::string label = uri.str() + " (" + net::redact_url(session.address.url(path, "")) + ")";
  ObjectFetch out;
  out.source_detail = uri.str();
  out.download = transfer::download_to_file(
      session.context.transport, [&] { return session.signed_get(path, {}); }, target,
      session.context.policy, label);
  return out;
}

// Every kept key under uri.key, following continuation tokens.
std::vector<std::string> list_keys(const S3Session& session, const ObjectUri& uri,
                                   const ListingScope& scope) {
  std::vector<std::string> keys;
  std::string token;
  const std::string label = "S3 ListObjectsV2 " + uri.str();
  PageTokens tokens(scope, label);
  for (;;) {
    QueryParams query{{"list-type", "2"}, {"prefix", uri.key}};
    if (!token.empty()) query.emplace_back("continuation-token", token);
    const auto response = call_api(
        session.context, [&] { return session.signed_get("/", query); }, label);
    if (response.status != 200) {
      transfer::throw_http_error(response, label, now(session.context.policy.clock),
                                 "check s3:ListBucket on the bucket for these credentials (" +
                                     session.credentials.source + ")");
    }
    for (const auto contents : xml::elements(response.body, "Contents")) {
      std::string key = xml::text(contents, "Key").value_or("");
      if (is_listed(key, scope)) keys.push_back(std::move(key));
    }
    check_listing_size(keys.size(), scope, label);
    if (xml::text(response.body, "IsTruncated").value_or("false") != "true") break;
    std::string next = xml::text(response.body, "NextContinuationToken").value_or("");
    if (next.empty())
      fail(ErrorKind::fetch, label + ": truncated listing without a continuation token");
    tokens.next(next);
    token = std::move(next);
  }
  return keys;
}

// The S3 backend: credentials resolved once per store and kept for kCredentialLifetime, shared
// by the threads of a batch.
class S3Store final : public ObjectStore {
 public:
  S3Store(Environment env, StoreSettings settings, transfer::DownloadPolicy policy)
      : env_(std::move(env)), settings_(std::move(settings)), policy_(std::move(policy)) {}

  std::vector<std::string> list(const ObjectUri& prefix, net::HttpTransport& transport,
                                const ListingScope& scope) override {
    if (!prefix.is_prefix()) {
      fail(ErrorKind::usage, prefix.str() + " is not a prefix (it must end in '/')");
    }
    return list_keys(session(prefix, transport), prefix, scope);
  }

  ObjectFetch get(const ObjectUri& object, net::HttpTransport& transport,
                  const OutputPath& target) override {
    return get_object(session(object, transport), object, target);
  }

 private:
  S3Session session(const ObjectUri& uri, net::HttpTransport& transport) {
    S3Session s{ApiContext{transport, policy_, settings_.resolve},
                resolve_s3_address(settings_, env_, uri.bucket),
                {}};
    s.credentials = credentials_.get(
        [&] { return resolve_aws_credentials(env_, s.context, s.address.region); });
    return s;
  }

  Environment env_;
  StoreSettings settings_;
  transfer::DownloadPolicy policy_;
  CredentialCache<AwsCredentials> credentials_;
};

}  // namespace

std::unique_ptr<ObjectStore> open_s3_store(const Environment& env, const StoreSettings& settings,
                                           const transfer::DownloadPolicy& policy) {
  return std::make_unique<S3Store>(env, settings, policy);
}

}  // namespace kvonce::cloud

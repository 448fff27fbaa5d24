// Where an S3 bucket's requests go: scheme, Host, path prefix and signing region.
//
// Settings, first found wins (see s3.hpp): region from the store settings, KVONCE_OTLP_S3_REGION,
// AWS_REGION, AWS_DEFAULT_REGION, else us-east-1; endpoint from options, KVONCE_OTLP_S3_ENDPOINT,
// AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, else https://s3.<region>.amazonaws.com.
// Virtual-hosted addressing ("bucket.<endpoint host>") unless path-style is forced, the endpoint
// host is an IP address or "localhost", or the bucket name is not a DNS label sequence (or has
// dots over HTTPS, which the endpoint's wildcard certificate would not cover).
#pragma once

#include <string>
#include <string_view>

#include "kvonce/cloud/object_store.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::cloud {

struct S3Address {
  std::string scheme;     // "https" or "http"
  std::string host;       // the Host header: host[:port], default ports omitted
  std::string base_path;  // "" (virtual-hosted) or "/bucket" (path-style), already encoded
  std::string region;
  bool path_style = false;
  // scheme://host + base_path + encoded_path [+ "?" + query]
  std::string url(std::string_view encoded_path, std::string_view query) const;
};

// Error(usage) for an unusable endpoint or a malformed boolean setting.
S3Address resolve_s3_address(const StoreSettings& options, const Environment& env,
                             const std::string& bucket);

// "true"/"1"/"yes"/"on" and "false"/"0"/"no"/"off", any case; Error(usage) naming `what` otherwise.
bool parse_bool_setting(const std::string& value, const std::string& what);

}  // namespace kvonce::cloud

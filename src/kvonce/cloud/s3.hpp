// Amazon S3 (and S3-compatible stores): GetObject and ListObjectsV2, signed with AWS SigV4.
//
// Addressing: virtual-hosted ("bucket.<endpoint host>") unless path-style is forced or the
// endpoint or bucket name rules it out (IP or "localhost" endpoint, bucket name not DNS-safe);
// see s3_address.hpp. Settings come from the options first, then the environment:
//   region:           options.region, KVONCE_OTLP_S3_REGION, AWS_REGION, AWS_DEFAULT_REGION,
//                     else us-east-1
//   endpoint:         options.endpoint, KVONCE_OTLP_S3_ENDPOINT, AWS_ENDPOINT_URL_S3,
//                     AWS_ENDPOINT_URL, else https://s3.<region>.amazonaws.com
//   force_path_style: options, KVONCE_OTLP_S3_FORCE_PATH_STYLE (true/false/1/0/yes/no)
//   use_ssl:          options, KVONCE_OTLP_S3_USE_SSL: the scheme of an endpoint given without
//                     one ("minio:9000")
// Requests are signed with SigV4 (sigv4.hpp), afresh for each attempt.
// Credentials: see aws_credentials.hpp (the AWS order).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/cloud/listing.hpp"
#include "kvonce/cloud/object_uri.hpp"  // date_prefix, with_date_prefix (--date)
#include "kvonce/fetch/download.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::cloud {

struct S3Options {
  std::string uri;  // s3://bucket/key, or s3://bucket/prefix/ (ending in '/') for a listing
  std::optional<std::string> region, endpoint;
  std::optional<bool> force_path_style, use_ssl;
  std::vector<std::string> resolve;  // "host:port:address", as curl's --resolve
};

// One fetched object. `source_detail` names it without any credential (s3://bucket/key).
struct ObjectFetch {
  fetch::DownloadResult download;
  std::string source_detail;  // redacted
};

// Downloads the object named by options.uri (s3://bucket/key) to `target`.
// Errors: usage (malformed URI), auth (no or rejected credentials), fetch, limit, integrity.
ObjectFetch fetch_s3_object(const S3Options& options, const Environment& env,
                            net::HttpTransport& transport, const std::filesystem::path& target,
                            const fetch::DownloadPolicy& policy);

// The keys (relative to the bucket) of the objects under options.uri (s3://bucket/prefix/,
// ListObjectsV2 with continuation) that `scope` keeps. Errors as fetch_s3_object.
std::vector<std::string> list_s3_objects(const S3Options& options, const Environment& env,
                                         net::HttpTransport& transport,
                                         const fetch::DownloadPolicy& policy,
                                         const ListingScope& scope);

// Lists every object under options.uri (s3://bucket/prefix/, ListObjectsV2 with continuation) and
// downloads each to target_dir/<key relative to the prefix>, creating subdirectories. Keys that
// would escape target_dir (".." segments, absolute) are rejected. The policy's max_bytes applies
// to each object. An empty listing is Error(input).
std::vector<ObjectFetch> fetch_s3_prefix(const S3Options& options, const Environment& env,
                                         net::HttpTransport& transport,
                                         const std::filesystem::path& target_dir,
                                         const fetch::DownloadPolicy& policy);

}  // namespace kvonce::cloud

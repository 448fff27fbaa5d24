// Amazon S3 (and S3-compatible stores) as an object-store backend: GetObject and ListObjectsV2,
// signed with AWS SigV4.
//
// Addressing: virtual-hosted ("bucket.<endpoint host>") unless path-style is forced or the
// endpoint or bucket name rules it out (IP or "localhost" endpoint, bucket name not DNS-safe);
// see s3_address.hpp. Settings come from StoreSettings first, then the environment:
//   region:           KVONCE_OTLP_S3_REGION, AWS_REGION, AWS_DEFAULT_REGION, else us-east-1
//   endpoint:         KVONCE_OTLP_S3_ENDPOINT, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL,
//                     else https://s3.<region>.amazonaws.com
//   force_path_style: KVONCE_OTLP_S3_FORCE_PATH_STYLE (true/false/1/0/yes/no)
//   use_ssl:          KVONCE_OTLP_S3_USE_SSL: the scheme of an endpoint given without one
// Requests are signed with SigV4 (sigv4.hpp), afresh for each attempt. Credentials: see
// aws_credentials.hpp (the AWS order); the store resolves them once and keeps them for
// kCredentialLifetime.
#pragma once

#include <memory>

#include "kvonce/cloud/object_store.hpp"

namespace kvonce::cloud {

std::unique_ptr<ObjectStore> open_s3_store(const Environment& env, const StoreSettings& settings,
                                           const transfer::DownloadPolicy& policy);

}  // namespace kvonce::cloud

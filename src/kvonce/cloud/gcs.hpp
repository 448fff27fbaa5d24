// Google Cloud Storage as an object-store backend, through the JSON API: objects.get
// (alt=media) and objects.list.
//
// Endpoints (overridable for tests and private endpoints):
//   API:  settings.api_url, else KVONCE_GCS_API_URL, else https://storage.googleapis.com
//         (object: {api}/storage/v1/b/{bucket}/o/{object, fully percent-encoded}?alt=media)
// Token endpoints come from the credential files themselves (token_uri, token_url,
// service_account_impersonation_url); settings.token_url overrides the service-account token_uri
// (env KVONCE_GCS_TOKEN_URL), see google_credentials.hpp. The store resolves its token once and
// keeps it for kCredentialLifetime.
#pragma once

#include <memory>

#include "kvonce/cloud/object_store.hpp"

namespace kvonce::cloud {

std::unique_ptr<ObjectStore> open_gcs_store(const Environment& env, const StoreSettings& settings,
                                            const transfer::DownloadPolicy& policy);

}  // namespace kvonce::cloud

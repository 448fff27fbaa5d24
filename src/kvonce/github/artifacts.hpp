// A workflow artifact through the GitHub REST API.
//
//   GET {GITHUB_API_URL}/repos/{GITHUB_REPOSITORY}/actions/artifacts?name=NAME   (or
//       .../actions/runs/{run_id}/artifacts?name=NAME), every page
//   -> the newest unexpired artifact of that name (created_at)
//   -> GET .../actions/artifacts/{id}/zip, which answers 302 to a storage host; the transport
//      follows it without the Authorization header (another origin)
//   -> the payload entry of the zip, or the body as is when it is not a zip.
// Every request is made by github::Client (its headers, retries and Link pagination).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "kvonce/net/http.hpp"
#include "kvonce/transfer/download.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::github {

struct ArtifactFetch {
  transfer::DownloadResult download;  // of the payload file written to the target
  std::string source_detail;          // "github-artifact:owner/repo/NAME#id (entry)"
};

// Error(usage) when GITHUB_REPOSITORY is missing or malformed, Error(auth) when GITHUB_TOKEN is
// missing or rejected, Error(input) when no unexpired artifact has that name, Error(fetch) for
// other API failures; the zip errors of extract_payload.
ArtifactFetch fetch_artifact(const std::string& name, const std::optional<std::string>& run_id,
                             const Environment& env, net::HttpTransport& transport,
                             const OutputPath& target, const transfer::DownloadPolicy& policy);

}  // namespace kvonce::github

// The `fetch` step: bring the payload to a local file and record where it came from.
//
// Sources, in the order they are considered (exactly one flag may be given):
//   file          --file PATH                     sourceType explicit
//   artifact_dir  --artifact-dir DIR             sourceType artifact (actions/download-artifact)
//   artifact      --artifact NAME [--run-id N]   sourceType artifact (GitHub REST API)
//   url           --url URL                       sourceType url; s3:// and gs:// go to s3 / gcs
//   s3            --s3 s3://bucket/key            sourceType s3
//   gcs           --gcs gs://bucket/object        sourceType gcs
//   sample        --sample                        sourceType sample (the embedded sample)
// Without a flag, the old job's variables: KVONCE_OTLP_PAYLOAD (env-file),
// KVONCE_PAYLOAD_ARTIFACT (artifact), KVONCE_OTLP_PAYLOAD_URL (url, or s3/gcs by scheme),
// KVONCE_OTLP_S3_URI (s3); and without any of those the embedded sample, outside GitHub
// Actions only. In GitHub Actions (GITHUB_ACTIONS=true) a source variable that is set but empty
// (an empty secret, a mistyped input) is a usage error naming it, and no source at all is one
// too unless --sample asks for the sample: a CI job never verifies the sample by accident.
// An s3:// or gs:// URI ending in '/' (or combined with --date) is a prefix: every object under
// it is fetched into the target, which is then a directory.
// Every source ends in a file written whole or not at all, within max_bytes and equal to
// expect_sha256 when given, and in the metadata file (metadata.hpp).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/fetch/metadata.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/util/clock.hpp"
#include "kvonce/util/environment.hpp"
#include "kvonce/util/output_dir.hpp"

namespace kvonce::fetch {

struct FetchOptions {
  std::filesystem::path target;  // required: the payload file (a directory for a prefix)
  std::optional<std::string> file, artifact_dir, artifact, url, s3, gcs;
  bool sample = false;                // --sample: the embedded sample, asked for
  std::optional<std::string> run_id;  // with artifact
  std::optional<std::string> date;    // YYYY-MM-DD, with s3/gcs: the kvonce-trace/Y/M/D/ prefix
  // S3 and GCS settings (else from the environment, see cloud/s3.hpp and cloud/gcs.hpp).
  std::optional<std::string> region, endpoint, gcs_api_url;
  std::optional<bool> path_style;
  std::vector<std::string> resolve;       // "host:port:address", as curl's --resolve
  std::uint64_t max_bytes = 10ULL << 20;  // 0 = no limit
  std::optional<std::string> expect_sha256;
  double timeout_seconds = 120;  // per attempt, whole transfer
  int retries = 3;
  std::optional<std::filesystem::path> metadata;  // default: beside the target
  // run: the trace directory, already open; `target` and `metadata` lie in it and are names the
  // tool chose, never written through a link. Else `target` and `metadata` are the user's paths
  // (links followed), and the default metadata is a name the tool chose beside the target.
  std::optional<OutputDir> tree;
  bool allow_http = false;
  std::function<void(const std::string&)> log;  // progress lines (retries); empty = silent
  Clock clock;  // fetchedAt, request signatures; empty = the system's
};

struct FetchResult {
  PayloadMetadata metadata;
  std::filesystem::path target;
  std::filesystem::path metadata_path;
};

// Fetches, writes the metadata, and returns both. The transport overload is for tests; the
// other makes a curl transport with the outbound policy of the options and the environment
// (KVONCE_ALLOWED_HOSTS).
FetchResult fetch(const FetchOptions& options, const Environment& env,
                  net::HttpTransport& transport);
FetchResult fetch(const FetchOptions& options, const Environment& env);

// The payload source variables, in the order they are considered.
inline constexpr const char* kSourceVariables[] = {"KVONCE_OTLP_PAYLOAD", "KVONCE_PAYLOAD_ARTIFACT",
                                                   "KVONCE_OTLP_PAYLOAD_URL", "KVONCE_OTLP_S3_URI"};

// In GitHub Actions, Error(usage) naming the first source variable that is set but empty.
void check_source_variables(const Environment& env);

// No source was given: in GitHub Actions, Error(usage) saying how to name a payload (or ask for
// the sample); elsewhere the embedded sample stands in.
void check_sample_allowed(const Environment& env);

// One line for the console: what was fetched, where to, how big, its hash.
std::string fetch_summary_text(const FetchResult& result);

}  // namespace kvonce::fetch

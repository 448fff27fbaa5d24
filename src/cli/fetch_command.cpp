// `kvonce-trace fetch`: the payload from a file, an artifact, a URL, S3 or GCS to a local file.
#include <memory>

#include "kvonce/fetch/fetch.hpp"
#include "kvonce/util/environment.hpp"

#include "cli/commands.hpp"

namespace kvonce::cli {
namespace {

constexpr const char* kSources = R"(Sources (one; without any, the environment decides):
  --file, $KVONCE_OTLP_PAYLOAD        a local payload
  --artifact-dir                       a directory from actions/download-artifact
  --artifact, $KVONCE_PAYLOAD_ARTIFACT a workflow artifact via the GitHub API
                                       (GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_TOKEN)
  --url, $KVONCE_OTLP_PAYLOAD_URL      HTTPS (presigned S3/GCS URLs too; s3:// and gs:// as below)
  --s3, $KVONCE_OTLP_S3_URI            s3://bucket/key (AWS credentials, web identity, profile)
  --gcs                                gs://bucket/object (Google credentials)
  none of these                        the embedded sample
A URI ending in '/' (or given with --date) fetches every object under it into --target as a
directory. KVONCE_ALLOWED_HOSTS=host,*.domain restricts the hosts contacted.)";

void add_source_options(CLI::App& cmd, fetch::FetchOptions& o) {
  cmd.add_option("--file", o.file, "Local payload file")->group("Source");
  cmd.add_option("--artifact-dir", o.artifact_dir,
                 "Directory downloaded by actions/download-artifact")
      ->group("Source");
  cmd.add_option("--artifact", o.artifact, "Workflow artifact name (GitHub REST API)")
      ->group("Source");
  cmd.add_option("--run-id", o.run_id, "Only artifacts of this workflow run")->group("Source");
  cmd.add_option("--url", o.url, "HTTPS URL of the payload (http only to loopback hosts)")
      ->group("Source");
  cmd.add_option("--s3", o.s3, "s3://bucket/key, or s3://bucket/prefix/ for every object")
      ->group("Source");
  cmd.add_option("--gcs", o.gcs, "gs://bucket/object, or gs://bucket/prefix/ for every object")
      ->group("Source");
  cmd.add_option("--date", o.date,
                 "YYYY-MM-DD: the kvonce-trace/YYYY/MM/DD/ prefix under --s3/--gcs")
      ->group("Source");
}

void add_cloud_options(CLI::App& cmd, fetch::FetchOptions& o) {
  cmd.add_option("--region", o.region, "S3 region (default: $AWS_REGION)")->group("Cloud");
  cmd.add_option("--endpoint", o.endpoint,
                 "S3-compatible endpoint URL (default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL)")
      ->group("Cloud");
  cmd.add_option("--path-style", o.path_style,
                 "true: path-style S3 addressing; false: virtual-hosted")
      ->group("Cloud");
  cmd.add_option("--gcs-api-url", o.gcs_api_url,
                 "GCS JSON API endpoint (default: https://storage.googleapis.com)")
      ->group("Cloud");
  cmd.add_option("--resolve", o.resolve, "host:port:address, as curl's --resolve (repeatable)")
      ->group("Cloud");
}

}  // namespace

void add_fetch_command(CLI::App& app, Console& console) {
  auto opts = std::make_shared<fetch::FetchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fetch", "Bring the payload to a local file (bounded, hashed, atomic) and record its origin");
  cmd->footer(kSources);
  cmd->add_option("--target", opts->target, "Payload file to write (a directory for a prefix)")
      ->required();
  add_source_options(*cmd, *opts);
  cmd->add_option("--max-bytes", opts->max_bytes, "Largest payload accepted (0 = no limit)")
      ->capture_default_str();
  cmd->add_option("--expect-sha256", opts->expect_sha256,
                  "Keep the payload only if its SHA-256 is this (hex)");
  cmd->add_option("--timeout", opts->timeout_seconds, "Seconds per attempt (0 = none)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--retries", opts->retries,
                  "Extra attempts on connection errors, 5xx, 429 and throttling")
      ->check(CLI::Range(0, 100))
      ->capture_default_str();
  cmd->add_option("--metadata", opts->metadata,
                  "Metadata file (default: kvonce-payload-metadata.json beside the target)");
  cmd->add_flag("--allow-http", opts->allow_http, "Allow plain http:// beyond loopback hosts");
  add_cloud_options(*cmd, *opts);
  cmd->callback([opts, &console] {
    opts->log = [&console](const std::string& line) { console.err << line << "\n" << std::flush; };
    const fetch::FetchResult result = fetch::fetch(*opts, process_environment());
    console.out << fetch::fetch_summary_text(result);
    console.exit_code = 0;
  });
}

}  // namespace kvonce::cli

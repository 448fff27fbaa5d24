// `kvonce-trace fetch`: the payload from a file, an artifact, a URL, S3 or GCS to a local file.
#include <memory>

#include "kvonce/fetch/fetch.hpp"
#include "kvonce/util/environment.hpp"
#include "kvonce/util/file_roles.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/fetch_options.hpp"
#include "cli/options.hpp"

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
  --sample, or none of these           the embedded sample (in GitHub Actions only with
                                       --sample; an empty source variable there is an error)
A URI ending in '/' (or given with --date) fetches every object under it into --target as a
directory. KVONCE_ALLOWED_HOSTS=host,*.domain restricts the hosts contacted.)";

}  // namespace

void add_fetch_command(CLI::App& app, Console& console) {
  auto opts = std::make_shared<fetch::FetchOptions>();
  CLI::App* cmd = app.add_subcommand(
      "fetch", "Bring the payload to a local file (bounded, hashed, atomic) and record its origin");
  set_footer(*cmd, kSources, {{ExitCode::ok, "the payload was fetched"}});
  cmd->add_option("--target", opts->target, "Payload file to write (a directory for a prefix)")
      ->type_name("FILE")
      ->required();
  add_source_options(*cmd, *opts);
  add_byte_size(*cmd, "--max-bytes", opts->max_bytes, "Largest payload accepted (0 = no limit)");
  cmd->add_option("--expect-sha256", opts->expect_sha256,
                  "Keep the payload only if its SHA-256 is this (hex)")
      ->type_name("HEX");
  cmd->add_option("--timeout", opts->timeout_seconds,
                  "Seconds per attempt: 0 (none) or 0.001 to 86400")
      ->check(timeout_seconds())
      ->type_name("SECONDS")
      ->capture_default_str();
  cmd->add_option("--retries", opts->retries,
                  "Extra attempts on connection errors, 5xx, 429 and throttling (0 to 100)")
      ->check(CLI::Range(0, 100).description(""))
      ->type_name("N")
      ->capture_default_str();
  cmd->add_option("--metadata", opts->metadata,
                  "Metadata file (default: kvonce-payload-metadata.json beside the target)")
      ->type_name("FILE");
  cmd->add_flag("--allow-http", opts->allow_http, "Allow plain http:// beyond loopback hosts");
  add_cloud_options(*cmd, *opts);
  cmd->callback([opts, &console] {
    FileRoles roles;  // --metadata TARGET would replace the payload just fetched
    if (opts->file) roles.input(*opts->file, "--file");
    roles.output(opts->target, "--target");
    if (opts->metadata) roles.output(*opts->metadata, "--metadata");
    roles.check();
    opts->log = [&console](const std::string& line) { console.err << line << "\n" << std::flush; };
    opts->clock = console.host.clock;
    const auto transport = console.transport(opts->allow_http);
    const fetch::FetchResult result = fetch::fetch(*opts, console.host.env, *transport);
    console.out << fetch::fetch_summary_text(result);
    console.exit_code = 0;
  });
}

}  // namespace kvonce::cli

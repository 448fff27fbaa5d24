#include "cli/fetch_options.hpp"

#include "cli/options.hpp"

namespace kvonce::cli {

void add_source_options(CLI::App& cmd, fetch::FetchOptions& o, bool with_file) {
  if (with_file)
    cmd.add_option("--file", o.file, "Local payload file")->type_name("FILE")->group("Source");
  cmd.add_option("--artifact-dir", o.artifact_dir,
                 "Directory downloaded by actions/download-artifact")
      ->type_name("DIR")
      ->group("Source");
  cmd.add_option("--artifact", o.artifact, "Workflow artifact name (GitHub REST API)")
      ->type_name("NAME")
      ->group("Source");
  cmd.add_option("--run-id", o.run_id, "Only artifacts of this workflow run")
      ->type_name("ID")
      ->group("Source");
  cmd.add_option("--url", o.url, "HTTPS URL of the payload (http only to loopback hosts)")
      ->type_name("URL")
      ->group("Source");
  cmd.add_option("--s3", o.s3, "s3://bucket/key, or s3://bucket/prefix/ for every object")
      ->type_name("URI")
      ->group("Source");
  cmd.add_option("--gcs", o.gcs, "gs://bucket/object, or gs://bucket/prefix/ for every object")
      ->type_name("URI")
      ->group("Source");
  cmd.add_flag("--sample", o.sample,
               "The embedded sample (in GitHub Actions only when asked for with this flag)")
      ->group("Source");
  cmd.add_option("--date", o.date,
                 "The day of the kvonce-trace/YYYY/MM/DD/ prefix under --s3/--gcs")
      ->type_name("YYYY-MM-DD")
      ->group("Source");
}

void add_cloud_options(CLI::App& cmd, fetch::FetchOptions& o) {
  cmd.add_option("--region", o.region, "S3 region (default: $AWS_REGION)")
      ->type_name("REGION")
      ->group("Cloud");
  cmd.add_option("--endpoint", o.endpoint,
                 "S3-compatible endpoint URL (default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL)")
      ->type_name("URL")
      ->group("Cloud");
  cmd.add_option("--path-style", o.path_style,
                 "true: path-style S3 addressing; false: virtual-hosted")
      ->type_name("true|false")
      ->group("Cloud");
  cmd.add_option("--gcs-api-url", o.gcs_api_url,
                 "GCS JSON API endpoint (default: https://storage.googleapis.com)")
      ->type_name("URL")
      ->group("Cloud");
  cmd.add_option("--resolve", o.resolve, "host:port:address, as curl's --resolve (repeatable)")
      ->check(resolve_entry())
      ->type_name("HOST:PORT:ADDRESS")
      ->group("Cloud");
}

}  // namespace kvonce::cli

// `kvonce-trace run`: the whole CI job on one payload (the embedded sample by default).
#include <memory>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/steps/run.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/file_roles.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/fetch_options.hpp"
#include "cli/options.hpp"
#include "cli/report_options.hpp"

namespace kvonce::cli {
namespace {

constexpr const char* kPayload = R"(Payload (the first that applies):
  --input, $KVONCE_OTLP_PAYLOAD       a local file, read in place
  --artifact-dir, --artifact, --url, --s3, --gcs, or $KVONCE_PAYLOAD_ARTIFACT,
  $KVONCE_OTLP_PAYLOAD_URL, $KVONCE_OTLP_S3_URI
                                      fetched into <trace-dir>/payload/ (see `fetch --help`)
  --sample, or none of these          the embedded sample (in GitHub Actions only with
                                      --sample; an empty source variable there is an error)
Outputs in <trace-dir>: otlp/ and ndjson/ (events, projection, state sequence, validation),
kvonce-payload-metadata.json, kvonce-pr-comment.md (those already there are removed before
anything is read); in GitHub Actions also the Step Summary and the step outputs valid,
valid_otlp, valid_ndjson, issues_otlp, issues_ndjson.)";

// The payload read in place may be none of the files run writes.
void check_file_roles(const steps::RunOptions& o, const Environment& env) {
  FileRoles roles;
  if (const auto input = o.input ? o.input : env("KVONCE_OTLP_PAYLOAD")) {
    roles.input(*input, "--input");
  }
  for (const char* mode : {"otlp", "ndjson"}) {
    for (const char* name : trace_dir::kModeFiles) {
      roles.output(o.trace_dir / mode / name, "--trace-dir");
    }
  }
  roles.output(o.trace_dir / trace_dir::kMetadataFile, "--trace-dir");
  roles.output(o.report->pr_comment ? std::filesystem::path(*o.report->pr_comment)
                                    : o.trace_dir / trace_dir::kPrCommentFile,
               "--pr-comment");
  if (o.report->step_summary) roles.output(*o.report->step_summary, "--step-summary");
  if (o.report->github_output) roles.output(*o.report->github_output, "--github-output");
  roles.check();
}

}  // namespace

void add_run_command(CLI::App& app, Console& console) {
  auto opts = std::make_shared<steps::RunOptions>();
  opts->report.emplace();
  CLI::App* cmd = app.add_subcommand(
      "run", "The whole CI job: fetch, prepare, verify in otlp and ndjson mode, compare, report");
  set_footer(*cmd, kPayload,
             {{ExitCode::ok},
              {ExitCode::violations, "the trace violates the rules, or the two modes disagree"},
              {ExitCode::no_events}});
  cmd->add_option("-i,--input", opts->input, "Local payload file (default: $KVONCE_OTLP_PAYLOAD)")
      ->type_name("FILE");
  add_source_options(*cmd, opts->fetch, /*with_file=*/false);
  cmd->add_option("--trace-dir", opts->trace_dir, "Output tree")
      ->type_name("DIR")
      ->capture_default_str();
  add_rules(*cmd, opts->rules);
  add_judging_order(*cmd, opts->order, opts->rules);
  add_accept_partial(*cmd, opts->accept_partial);
  add_read_limits(*cmd, opts->limits);
  add_max_output_bytes(*cmd, opts->max_output_bytes);
  add_masking(*cmd, opts->mask);
  add_byte_size(*cmd, "--max-bytes", opts->fetch.max_bytes,
                "Largest payload downloaded (0 = no limit)");
  cmd->add_option("--expect-sha256", opts->fetch.expect_sha256,
                  "Keep a downloaded payload only if its SHA-256 is this (hex)")
      ->type_name("HEX");
  cmd->add_flag("--allow-http", opts->fetch.allow_http,
                "Allow plain http:// beyond loopback hosts");
  add_cloud_options(*cmd, opts->fetch);
  add_report_options(*cmd, *opts->report);
  auto shown_as = std::make_shared<ConsoleOptions>();
  add_console_options(*cmd, *shown_as);
  cmd->callback([opts, shown_as, &console] {
    const Environment& env = console.host.env;
    default_trace_link(opts->report->trace_link, env);
    opts->mask.environment = env;
    opts->clock = console.host.clock;
    const auto transport = console.transport(opts->fetch.allow_http);
    check_file_roles(*opts, env);
    const auto log = [&](const std::string& line) {
      if (shown_as->quiet) return;
      console.out << line << (line.empty() || line.back() != '\n' ? "\n" : "") << std::flush;
    };
    const steps::RunOutcome outcome = steps::run(*opts, env, *transport, log);
    steps::VerifyOptions shown;
    shown.output_dir = opts->trace_dir / "otlp";
    shown.order = opts->order;
    shown.rules = opts->rules;
    shown.trace_link = opts->report->trace_link;
    print_verdict(outcome.otlp, shown, *shown_as, console);
    if (outcome.mismatch) {
      console.err << "kvonce-trace: mode-mismatch: " << console_escape(*outcome.mismatch) << "\n";
      console.exit_code = static_cast<int>(ExitCode::violations);
      return;
    }
    console.exit_code = verdict_exit_code(outcome.otlp);
  });
}

}  // namespace kvonce::cli

// `kvonce-trace report`: the Step Summary, PR comment, Check Run and step outputs of a trace
// directory written by `run` (or by `verify` once per mode).
#include <memory>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/fetch/metadata.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/report/run_report.hpp"
#include "kvonce/report/writers.hpp"
#include "kvonce/steps/rejudge.hpp"
#include "kvonce/util/environment.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/file_roles.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/report_options.hpp"

namespace kvonce::cli {
namespace {

struct ReportArgs {
  report::ReportOptions options;
  std::string metadata_file, source_type, source_detail;
  bool no_fail = false;
};

void add_metadata_options(CLI::App& cmd, ReportArgs& args) {
  CLI::Option* file = cmd.add_option(
      "--metadata-for", args.metadata_file,
      "Write <trace-dir>/kvonce-payload-metadata.json for this payload file (sha256, size) "
      "first: for a payload that did not come through fetch. The payload is judged again as "
      "each mode's validation records; a verdict that is not its own is refused (exit 4)");
  file->type_name("FILE");
  CLI::Option* type =
      cmd.add_option("--source-type", args.source_type,
                     "With --metadata-for: explicit, env-file, artifact, url, s3, gcs or sample");
  type->type_name("TYPE");
  CLI::Option* detail =
      cmd.add_option("--source-detail", args.source_detail,
                     "With --metadata-for: where the payload came from (a URL is stored redacted)");
  detail->type_name("DETAIL");
  type->needs(file);
  detail->needs(file);
  file->needs(type);
}

// No document report writes may be a file of the trace directory it reads, or the payload.
void check_file_roles(const ReportArgs& args) {
  const report::ReportOptions& o = args.options;
  FileRoles roles;
  for (const char* mode : {"otlp", "ndjson"}) {
    for (const char* name : trace_dir::kModeFiles) {
      roles.input(o.trace_dir / mode / name, "--trace-dir");
    }
  }
  const auto metadata = o.trace_dir / trace_dir::kMetadataFile;
  if (args.metadata_file.empty()) {
    roles.input(metadata, "--trace-dir");
  } else {
    roles.input(args.metadata_file, "--metadata-for").output(metadata, "--trace-dir");
  }
  if (o.pr_comment) roles.output(*o.pr_comment, "--pr-comment");
  if (o.step_summary) roles.output(*o.step_summary, "--step-summary");
  if (o.github_output) roles.output(*o.github_output, "--github-output");
  roles.check();
}

}  // namespace

void add_report_command(CLI::App& app, Console& console) {
  auto args = std::make_shared<ReportArgs>();
  report::ReportOptions& o = args->options;
  CLI::App* cmd = app.add_subcommand(
      "report", "Summarise a trace directory for CI: Step Summary, PR comment, Check Run, outputs");
  set_footer(*cmd, "",
             {{ExitCode::ok, "every mode is valid (or --no-fail)"},
              {ExitCode::violations, "a mode is invalid"}});
  cmd->add_option("--trace-dir", o.trace_dir, "Trace directory (otlp/ and ndjson/ inside)")
      ->type_name("DIR")
      ->capture_default_str();
  add_report_options(*cmd, o);
  cmd->add_flag("--no-fail", args->no_fail, "Exit 0 even when a mode is invalid");
  cmd->add_flag("--accept-unrecorded", o.accept_unrecorded,
                "Read a kvonce-validation.json without an outputSet record (the old pipeline's "
                "files) and report it as unchecked, rather than refuse it (exit 4)");
  add_metadata_options(*cmd, *args);
  cmd->callback([args, &console] {
    check_file_roles(*args);
    report::ReportOptions options = args->options;
    options.clock = console.host.clock;
    default_trace_link(options.trace_link, console.host.env);
    if (!args->metadata_file.empty()) {
      // The directory's verdicts must be this payload's, not only carry its digest.
      steps::check_verdicts_of(args->metadata_file, options.trace_dir, options.accept_unrecorded);
      options.metadata_for =
          report::MetadataRequest{args->metadata_file, args->source_type, args->source_detail};
    }
    // The same outbound policy as every other command: KVONCE_ALLOWED_HOSTS holds here too.
    const auto transport = console.transport(false);
    const auto log = [&](const std::string& line) { console.out << line << "\n" << std::flush; };
    const report::ReportOutcome outcome =
        report::run_report(options, console.host.env, *transport, log);
    console.out << report::console_text(outcome.report);
    const bool failed = outcome.verdict == report::Overall::invalid;
    console.exit_code =
        static_cast<int>(failed && !args->no_fail ? ExitCode::violations : ExitCode::ok);
  });
}

}  // namespace kvonce::cli

// `kvonce-trace verify`: the conformance rules on an OTLP or NDJSON payload.
#include <memory>

#include "kvonce/payload/load.hpp"
#include "kvonce/steps/verify.hpp"
#include "kvonce/util/error.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/options.hpp"
#include "cli/report_options.hpp"

namespace kvonce::cli {
namespace {

struct VerifyCli {
  steps::VerifyOptions verify;
  std::vector<std::string> payloads;  // the positional arguments, read after the -i ones
  bool json = false;
  ConsoleOptions console;
};

}  // namespace

int verdict_exit_code(const steps::VerifyOutcome& outcome) {
  if (outcome.no_events()) return static_cast<int>(ExitCode::no_events);
  return static_cast<int>(outcome.valid() ? ExitCode::ok : ExitCode::violations);
}

// --quiet keeps only what explains an exit code that is not a verdict on the rules.
void print_verdict(const steps::VerifyOutcome& outcome, const steps::VerifyOptions& shown,
                   const ConsoleOptions& options, Console& console, bool on_stderr) {
  if (options.quiet) {
    if (outcome.no_events()) {
      console.err << "kvonce-trace: no events: " << payload::describe_read(outcome.load) << ", "
                  << payload::why_no_events(outcome.load.stats) << "\n";
    }
    return;
  }
  const int fd = on_stderr ? 2 : 1;
  const ConsoleStyle style{
      colour_wanted(options.colour, console.host.is_terminal(fd), console.host.env)};
  (on_stderr ? console.err : console.out) << steps::verify_summary_text(outcome, shown, style);
}

void add_verify_command(CLI::App& app, Console& console) {
  auto cli = std::make_shared<VerifyCli>();
  steps::VerifyOptions* opts = &cli->verify;
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check a trace against the KvOnce rules; with -d, write the validation outputs");
  set_footer(*cmd, "", {{ExitCode::ok}, {ExitCode::violations}, {ExitCode::no_events}});
  cmd->add_option("PAYLOAD", cli->payloads,
                  "Payload files (OTLP or NDJSON), merged; - for stdin (once)")
      ->type_name("FILE");
  cmd->add_option("-i,--input", opts->inputs,
                  "Payload file (OTLP or NDJSON); repeat to merge; - for stdin")
      ->type_name("FILE");
  cmd->add_option("-d,--output-dir", opts->output_dir,
                  "Directory for kvonce-events.ndjson, kvonce-projection.json, "
                  "projected/kvonce-state-sequence.json and kvonce-validation.json (without it, "
                  "no file is written)")
      ->type_name("DIR");
  cmd->add_flag("--json", cli->json,
                "Print the validation document (kvonce-validation.json) on stdout, alone; the "
                "summary goes to stderr");
  add_console_options(*cmd, cli->console);
  add_format(*cmd, opts->format);
  add_accept_partial(*cmd, opts->accept_partial);
  add_rules(*cmd, opts->rules);
  add_judging_order(*cmd, opts->order, opts->rules);
  add_read_limits(*cmd, opts->limits);
  add_max_output_bytes(*cmd, opts->max_output_bytes);
  add_masking(*cmd, opts->mask);
  add_trace_link(*cmd, opts->trace_link);
  cmd->callback([cli, opts, &console] {
    opts->inputs.insert(opts->inputs.end(), cli->payloads.begin(), cli->payloads.end());
    if (opts->inputs.empty()) {
      fail(ErrorKind::usage, "verify needs a payload: PAYLOAD... or -i PAYLOAD (- for stdin)");
    }
    check_stdin_once(opts->inputs);
    default_trace_link(opts->trace_link, console.host.env);
    opts->keep_validation_json = cli->json;
    opts->mask.environment = console.host.env;
    opts->clock = console.host.clock;
    opts->github_run_id = console.host.env("GITHUB_RUN_ID");
    opts->github_run_attempt = console.host.env("GITHUB_RUN_ATTEMPT");
    const steps::VerifyOutcome outcome = steps::verify(*opts);
    // stdout holds the validation document alone with --json: the summary goes to stderr. The
    // document is data, bounded by --max-output-bytes, never cut as console text is.
    if (cli->json) console.host.out << outcome.validation_json;
    print_verdict(outcome, cli->verify, cli->console, console, cli->json);
    console.exit_code = verdict_exit_code(outcome);
  });
}

}  // namespace kvonce::cli

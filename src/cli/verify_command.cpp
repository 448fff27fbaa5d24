// `kvonce-trace verify`: the conformance rules on an OTLP or NDJSON payload.
#include <memory>

#include "kvonce/steps/verify.hpp"
#include "kvonce/util/error.hpp"

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "cli/report_options.hpp"

namespace kvonce::cli {

int verdict_exit_code(const steps::VerifyOutcome& outcome) {
  if (outcome.no_events()) return static_cast<int>(ExitCode::no_events);
  return static_cast<int>(outcome.valid() ? ExitCode::ok : ExitCode::violations);
}

void add_verify_command(CLI::App& app, Console& console) {
  auto opts = std::make_shared<steps::VerifyOptions>();
  CLI::App* cmd = app.add_subcommand(
      "verify", "Check a trace against the KvOnce rules and write the validation outputs");
  cmd->add_option("-i,--input", opts->inputs, "Payload file (OTLP or NDJSON); repeat to merge")
      ->required();
  cmd->add_option("-d,--output-dir", opts->output_dir,
                  "Directory for kvonce-events.ndjson, kvonce-projection.json, "
                  "projected/kvonce-state-sequence.json and kvonce-validation.json")
      ->required();
  add_format(*cmd, opts->format);
  add_rules(*cmd, opts->rules);
  add_judging_order(*cmd, opts->order, opts->rules);
  add_read_limits(*cmd, opts->limits);
  add_max_output_bytes(*cmd, opts->max_output_bytes);
  add_masking(*cmd, opts->mask);
  add_trace_link(*cmd, opts->trace_link);
  cmd->callback([opts, &console] {
    default_trace_link(opts->trace_link, console.host.env);
    opts->mask.environment = console.host.env;
    opts->github_run_id = console.host.env("GITHUB_RUN_ID");
    opts->github_run_attempt = console.host.env("GITHUB_RUN_ATTEMPT");
    const steps::VerifyOutcome outcome = steps::verify(*opts);
    console.out << steps::verify_summary_text(outcome, *opts);
    console.exit_code = verdict_exit_code(outcome);
  });
}

}  // namespace kvonce::cli

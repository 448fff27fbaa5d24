// `kvonce-trace explain KEY`: the timeline of one key, judged as verify judges it.
#include <memory>

#include "kvonce/steps/explain.hpp"
#include "kvonce/steps/recorded_judging.hpp"
#include "kvonce/steps/verify.hpp"
#include "kvonce/util/error.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/options.hpp"

namespace kvonce::cli {
namespace {

// As verify would exit for this key alone; an unknown key is "nothing to verify".
int explain_exit_code(const steps::ExplainOutcome& outcome) {
  if (!outcome.found()) return static_cast<int>(ExitCode::no_events);
  return static_cast<int>(outcome.valid() ? ExitCode::ok : ExitCode::violations);
}

// A trace directory is explained as verify judged it (kvonce-validation.json records how), unless
// the command line says otherwise.
void judge_as_recorded(const CLI::App& cmd, steps::ExplainOptions& opts) {
  const steps::RecordedJudging recorded =
      steps::recorded_judging(steps::trace_dir_events(*opts.trace_dir));
  const auto given = [&cmd](const char* name) { return cmd.get_option(name)->count() != 0; };
  bool used = false;
  if (recorded.profile && !given("--profile")) {
    opts.rules.profile = *recorded.profile;
    used = true;
  }
  if (recorded.max_retries && !given("--max-retries")) {
    opts.rules.max_retries = *recorded.max_retries;
    used = true;
  }
  if (!given("--order")) {
    used |= recorded.order.has_value();
    opts.order = recorded.order.value_or(steps::default_order(opts.rules.profile));
  }
  if (opts.order == steps::Order::realtime && recorded.clock_skew_ns && !given("--clock-skew")) {
    opts.rules.clock_skew_ns = *recorded.clock_skew_ns;
    used = true;
  }
  if (used) opts.judging_recorded_in = recorded.file;
  opts.recorded_warnings = recorded.partial_warnings;
}

}  // namespace

void add_explain_command(CLI::App& app, Console& console) {
  auto opts = std::make_shared<steps::ExplainOptions>();
  auto json = std::make_shared<bool>(false);
  auto trace_dir = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "explain",
      "Show the timeline of one key: each event, the key's state after it and the issue it "
      "raised, in verify's words");
  set_footer(*cmd, "",
             {{ExitCode::ok, "the key's events conform"},
              {ExitCode::violations, "the key's events violate the rules"},
              {ExitCode::no_events, "no event has that key"}});
  cmd->add_option("KEY", opts->key, "The key, as verify reports it")
      ->type_name("STRING")
      ->required();
  CLI::Option* input =
      cmd->add_option("-i,--input", opts->inputs, "Payload file (OTLP or NDJSON); repeat to merge")
          ->type_name("FILE");
  CLI::Option* dir =
      cmd->add_option("--trace-dir", *trace_dir,
                      "Directory verify or run wrote: reads its kvonce-events.ndjson "
                      "(or the one under otlp/, else ndjson/), judged with the profile, "
                      "--max-retries and --order its kvonce-validation.json records unless given")
          ->type_name("DIR");
  input->excludes(dir);
  cmd->add_flag("--json", *json, "Print the timeline as one JSON document");
  add_format(*cmd, opts->format);
  add_accept_partial(*cmd, opts->accept_partial);
  add_rules(*cmd, opts->rules);
  add_judging_order(*cmd, opts->order, opts->rules);
  add_read_limits(*cmd, opts->limits);
  add_masking(*cmd, opts->mask);
  cmd->callback([cmd, opts, json, trace_dir, input, &console] {
    if (input->count() == 0 && trace_dir->empty()) {
      fail(ErrorKind::usage, "explain needs --input PAYLOAD or --trace-dir DIR");
    }
    if (!trace_dir->empty()) {
      opts->trace_dir = *trace_dir;
      judge_as_recorded(*cmd, *opts);
    }
    opts->mask.environment = console.host.env;
    const steps::ExplainOutcome outcome = steps::explain(*opts);
    // The JSON document is data, never cut as console text is.
    if (*json) {
      console.host.out << steps::explain_json(outcome, *opts);
    } else {
      console.out << steps::explain_text(outcome, *opts);
    }
    console.exit_code = explain_exit_code(outcome);
  });
}

}  // namespace kvonce::cli

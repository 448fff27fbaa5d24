// `kvonce-trace run`: the whole CI job on one payload (the embedded sample by default).
#include <cstdlib>
#include <memory>

#include "cli/commands.hpp"
#include "cli/options.hpp"
#include "kvonce/steps/run.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::cli {

void add_run_command(CLI::App& app, Console& console) {
  auto opts = std::make_shared<steps::RunOptions>();
  CLI::App* cmd = app.add_subcommand(
      "run", "The whole job: prepare, verify in otlp and ndjson mode, compare the verdicts");
  cmd->add_option("-i,--input", opts->input,
                  "Payload file (default: $KVONCE_OTLP_PAYLOAD, else the embedded sample)");
  cmd->add_option("--trace-dir", opts->trace_dir, "Output tree (otlp/ and ndjson/ inside)")
      ->capture_default_str();
  add_order(*cmd, opts->order);
  add_rules(*cmd, opts->rules);
  add_read_limits(*cmd, opts->limits);
  add_masking(*cmd, opts->mask);
  cmd->callback([opts, &console] {
    if (!opts->input) {
      if (const char* env = std::getenv("KVONCE_OTLP_PAYLOAD"); env && *env) opts->input = env;
    }
    const auto log = [&](const std::string& line) { console.out << line << "\n" << std::flush; };
    const steps::RunOutcome outcome = steps::run(*opts, log);
    console.out << steps::verify_summary_text(outcome.otlp, steps::VerifyOptions{
        {}, payload::Format::otlp, opts->trace_dir / "otlp", opts->order, opts->rules, {},
        {}});
    if (outcome.mismatch) {
      console.err << "kvonce-trace: mode-mismatch: " << *outcome.mismatch << "\n";
      console.exit_code = static_cast<int>(ExitCode::violations);
      return;
    }
    console.exit_code = verdict_exit_code(outcome.otlp);
  });
}

}  // namespace kvonce::cli

// `kvonce-trace prepare`: OTLP payloads -> NDJSON events.
#include <memory>

#include "kvonce/steps/prepare.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/options.hpp"

namespace kvonce::cli {

void add_prepare_command(CLI::App& app, Console& console) {
  auto opts = std::make_shared<steps::PrepareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "prepare",
      "Convert trace payloads to NDJSON events: OTLP JSON (documents, JSON Lines) or protobuf, "
      "in Collector file-exporter records or not, plain, gzip or zstd; with -o FILE, also "
      "FILE.kvonce-source.json, which ties FILE to the payload for report");
  set_footer(*cmd, "", {{ExitCode::ok, "the events were written"}, {ExitCode::no_events}});
  cmd->add_option("-i,--input", opts->inputs, "Payload file; repeat to merge; - for stdin")
      ->type_name("FILE")
      ->required();
  cmd->add_option("-o,--output", opts->output,
                  "NDJSON output file (and FILE.kvonce-source.json beside it); - for stdout")
      ->type_name("FILE")
      ->capture_default_str();
  cmd->add_option("--stats", opts->stats_path, "Also write the summary as JSON to this file")
      ->type_name("FILE");
  add_format(*cmd, opts->format);
  add_accept_partial(*cmd, opts->accept_partial);
  add_order(*cmd, opts->order);
  add_read_limits(*cmd, opts->limits);
  add_masking(*cmd, opts->mask);
  cmd->callback([opts, &console] {
    check_stdin_once(opts->inputs);
    opts->mask.environment = console.host.env;
    const steps::PrepareResult result = steps::prepare(*opts);
    console.err << steps::prepare_summary_text(result);
    console.exit_code = 0;
  });
}

}  // namespace kvonce::cli

// `kvonce-trace batch`: re-verifying many stored payloads in parallel and in shards, and
// `kvonce-trace batch merge`: the shards' results combined into one summary and exit code.
#include <memory>
#include <optional>
#include <ostream>

#include "kvonce/batch/batch.hpp"
#include "kvonce/batch/merge.hpp"
#include "kvonce/batch/summary.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/payload/file_names.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/file_roles.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/options.hpp"
#include "cli/report_options.hpp"

namespace kvonce::cli {
namespace {

// The names a directory walk takes come from payload/file_names.hpp.
std::string batch_footer() {
  return "INPUT is a payload file, a directory searched recursively for payload names\n  (" +
         payload::name_patterns(payload::Picker::batch) + "),\n" +
         R"(or an s3://bucket/prefix/ or gs://bucket/prefix/ listing of the same names (endpoints and
credentials from the environment, as for fetch). With --from/--to, a directory or prefix is the
root of the kvonce-trace/YYYY/MM/DD/ layout and only the selected days are read.
--shard I/N keeps the payloads whose source name hashes to shard I (I from 1: 1/N ... N/N); give every
shard the same INPUTs, then combine the shards with `kvonce-trace batch merge RESULTS...`.
See docs/batch.md.)";
}

constexpr const char* kMergeFooter =
    R"(Within one file the last line of a source counts; a source in two files means the shards
overlapped and fails the merge.)";

struct BatchCli {
  batch::BatchOptions options;
  std::optional<std::string> shard;
  std::optional<std::filesystem::path> summary;
  std::vector<std::filesystem::path> merge_files;
  std::optional<std::filesystem::path> merge_summary;
  double results_lock_wait = static_cast<double>(batch::kResultsLockWait.count());
  std::optional<report::TraceLinkTemplate> trace_link;
};

// The summary may be neither the results file, nor the resume file, nor a payload named as INPUT.
void check_file_roles(const BatchCli& cli) {
  const batch::BatchOptions& o = cli.options;
  FileRoles roles;
  for (const std::string& input : o.inputs) {
    if (!batch::is_remote_input(input)) roles.input(input, "INPUT");
  }
  if (o.results) roles.output(*o.results, "--results");
  // Without --results the resume file is the results file; with another one, an input.
  if (o.resume && !o.results) roles.output(*o.resume, "--resume");
  if (o.resume && o.results && !FileRoles::same_file(*o.resume, *o.results)) {
    roles.input(*o.resume, "--resume");
  }
  if (cli.summary) roles.output(*cli.summary, "--summary");
  roles.check();
}

// The Markdown goes to --summary FILE (atomically; the console gets one line), else to stdout.
void emit_summary(Console& console, const std::optional<std::filesystem::path>& file,
                  const std::string& markdown, const std::string& line) {
  if (!file) {
    console.out << markdown;
    return;
  }
  write_file_atomically(*file, markdown);
  console.out << line << "; summary in " << console_escape(file->string()) << "\n";
}

std::unique_ptr<batch::Progress> progress_for(Console& console) {
  // A bar only where a person watches: stderr on a terminal.
  return console.host.is_terminal(2) ? batch::make_bar_progress(console.err)
                                     : batch::make_log_progress(console.err);
}

void run_batch_command(BatchCli& cli, Console& console) {
  if (cli.shard) cli.options.shard = batch::parse_shard(*cli.shard);
  check_file_roles(cli);
  if (!(cli.results_lock_wait >= 0 && cli.results_lock_wait <= 86400)) {  // NaN included
    fail(ErrorKind::usage, "--results-lock-wait takes 0 to 86400 seconds");
  }
  cli.options.results_lock_wait =
      std::chrono::milliseconds(static_cast<long long>(cli.results_lock_wait * 1000));
  const auto progress = progress_for(console);
  transfer::DownloadPolicy download;
  download.clock = console.host.clock;
  batch::BatchContext context{console.host.env, [&console] { return console.transport(false); },
                              progress.get(), download};
  const batch::BatchRun run = batch::run_batch(cli.options, context);
  if (run.judged_again) console.err << batch::judged_again_text(run.judged_again) << "\n";

  batch::SummaryInput summary{
      "kvonce-trace batch", &run.results, run.resumed, batch::run_notes(run, cli.options), {},
      cli.trace_link};
  const batch::Totals totals = batch::tally(run.results);
  emit_summary(console, cli.summary, batch::summary_markdown(summary),
               batch::summary_line(totals, run.resumed));
  console.exit_code = batch::batch_exit_code(totals, run.listed);
}

void run_merge_command(BatchCli& cli, Console& console) {
  FileRoles roles;
  for (const auto& file : cli.merge_files) roles.input(file, "RESULTS");
  if (cli.merge_summary) roles.output(*cli.merge_summary, "--summary");
  roles.check();
  const batch::MergeResult merged = batch::merge_results(cli.merge_files);
  batch::SummaryInput summary{"kvonce-trace batch merge", &merged.results, 0, merged.notes,
                              merged.duplicates,          cli.trace_link};
  const batch::Totals totals = batch::tally(merged.results);
  std::string line = batch::summary_line(totals, 0);
  if (!merged.duplicates.empty()) {
    line += "; " + std::to_string(merged.duplicates.size()) + " duplicate(s) across shards";
  }
  emit_summary(console, cli.merge_summary, batch::summary_markdown(summary), line);
  console.exit_code = batch::batch_exit_code(totals, totals.payloads, merged.duplicates.size());
}

void add_merge_subcommand(CLI::App& batch_cmd, const std::shared_ptr<BatchCli>& cli,
                          Console& console) {
  CLI::App* cmd = batch_cmd.add_subcommand(
      "merge", "Combine the results files of batch shards into one summary and exit code");
  set_footer(*cmd, kMergeFooter,
             {{ExitCode::ok, "every payload valid"},
              {ExitCode::violations,
               "a payload invalid, failed or without events, or reported by two shards"},
              {ExitCode::no_events, "no payload had any KvOnce event"},
              {ExitCode::input, "a results file is missing, unreadable or malformed"}});
  // A missing or unreadable file is an input error (exit 4) from the reader, as documented.
  cmd->add_option("RESULTS", cli->merge_files, "Results files written by `batch --results`")
      ->type_name("FILE")
      ->required();
  cmd->add_option("--summary", cli->merge_summary, "Write the Markdown summary here, not to stdout")
      ->type_name("FILE");
  add_trace_link(*cmd, cli->trace_link);
  cmd->callback([cli, &console] {
    default_trace_link(cli->trace_link, console.host.env);
    run_merge_command(*cli, console);
  });
}

}  // namespace

void add_batch_command(CLI::App& app, Console& console) {
  auto cli = std::make_shared<BatchCli>();
  batch::BatchOptions& o = cli->options;
  CLI::App* cmd = app.add_subcommand(
      "batch", "Re-verify many stored payloads: in parallel, resumable, in shards");
  set_footer(
      *cmd, batch_footer(),
      {{ExitCode::ok, "every payload valid"},
       {ExitCode::violations, "a payload invalid, failed or without events"},
       {ExitCode::no_events, "no payload had any KvOnce event"},
       {ExitCode::input, "an INPUT or the --resume file cannot be read"},
       {ExitCode::output, "the results file cannot be written (or another batch kept it locked)"},
       {ExitCode::fetch, "a listing or download failed (network, HTTP status)"}});
  cmd->require_subcommand(0, 1);
  cmd->add_option("INPUT", o.inputs, "Payload files, directories, s3:// or gs:// prefixes")
      ->type_name("PATH");
  cmd->add_option("-j,--jobs", o.jobs,
                  "Payloads verified at once, 1 to 1024 (default: the number of cores)")
      ->type_name("N")
      ->check(CLI::Range(1u, 1024u).description(""));
  cmd->add_option("--results", o.results,
                  "Append one JSON line per payload here as it finishes (default: the --resume "
                  "file)")
      ->type_name("FILE");
  cmd->add_option("--resume", o.resume,
                  "Skip payloads this results file already verified with the same sha256 (a "
                  "missing file is an empty one)")
      ->type_name("FILE");
  cmd->add_option("--results-lock-wait", cli->results_lock_wait,
                  "Seconds to wait while another batch writes the results file, then give up (0 "
                  "to 86400)")
      ->type_name("SECONDS")
      ->check(CLI::Range(0.0, 86400.0).description(""))
      ->capture_default_str();
  cmd->add_option("--summary", cli->summary, "Write the Markdown summary here, not to stdout")
      ->type_name("FILE");
  cmd->add_option("--shard", cli->shard, "Only this shard's share of the payloads: I from 1 to N")
      ->type_name("I/N");
  cmd->add_option("--from", o.from, "First day of the kvonce-trace/YYYY/MM/DD/ layout")
      ->type_name("YYYY-MM-DD");
  cmd->add_option("--to", o.to, "Last day (inclusive)")->type_name("YYYY-MM-DD");
  cmd->add_option("-d,--output-dir", o.payload.output_root,
                  "Also write verify's outputs for each payload to DIR/<source as a name>/")
      ->type_name("DIR");
  add_format(*cmd, o.payload.format);
  add_accept_partial(*cmd, o.payload.accept_partial);
  add_rules(*cmd, o.payload.rules);
  add_judging_order(*cmd, o.payload.order, o.payload.rules);
  add_read_limits(*cmd, o.payload.limits);
  add_max_output_bytes(*cmd, o.payload.max_output_bytes);
  add_trace_link(*cmd, cli->trace_link);
  add_merge_subcommand(*cmd, cli, console);
  cmd->callback([cli, cmd, &console] {
    if (cmd->got_subcommand("merge")) return;
    if (cli->options.inputs.empty()) {
      fail(ErrorKind::usage, "batch needs at least one INPUT (or: batch merge RESULTS...)");
    }
    if (cli->options.resume && std::filesystem::is_directory(*cli->options.resume)) {
      fail(ErrorKind::input,
           cli->options.resume->string() + ": is a directory, not a --resume results file");
    }
    default_trace_link(cli->trace_link, console.host.env);
    run_batch_command(*cli, console);
  });
}

}  // namespace kvonce::cli

#include "cli/app.hpp"

#include <cerrno>
#include <cstring>

#include <CLI/CLI.hpp>
#include <unistd.h>

#include "kvonce/util/console_bound.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/version.hpp"

namespace kvonce::cli {
namespace {

// CLI11's messages quote the arguments given, which may come from a workflow's inputs; its own
// text after the message (the pointer to --help) stays as it is.
std::string escaped_failure(const CLI::App* app, const CLI::Error& e) {
  const std::string message = e.what();
  return console_escape(message) + CLI::FailureMessage::simple(app, e).substr(message.size());
}

int usage_exit(const CLI::App& app, const CLI::ParseError& e, std::ostream& out,
               std::ostream& err) {
  const int code = app.exit(e, out, err);
  return code == static_cast<int>(CLI::ExitCodes::Success) ? 0 : static_cast<int>(ExitCode::usage);
}

// What a command printed must have reached stdout: `verify > /dev/full` loses the summary, and
// a CI step that reads it must fail rather than see nothing. Throws Error(output) otherwise.
void check_stdout(std::ostream& out) {
  errno = 0;
  out.flush();
  if (out) return;
  const int saved = errno;
  out.clear();  // an in-process caller's stream stays usable
  fail(ErrorKind::output, std::string("standard output: write failed") +
                              (saved ? std::string(": ") + std::strerror(saved) : ""));
}

}  // namespace

Host process_host(std::ostream& out, std::ostream& err) {
  return Host{process_environment(),
              [](const net::OutboundPolicy& policy) { return net::make_curl_transport(policy); },
              system_clock(),
              out,
              err,
              [](int fd) { return ::isatty(fd) == 1; }};
}

namespace {

// Runs the command line with its console text going to `out` and `err`, bounded by the two
// ConsoleBounds below them.
int run_bounded(int argc, const char* const* argv, const Host& host, std::ostream& out,
                std::ostream& err, ConsoleBound& out_bound, ConsoleBound& err_bound) {
  CLI::App app{
      "kvonce-trace: prove from its OpenTelemetry traces that a KvOnce service behaves "
      "as its specification says.\nWithout a subcommand, `run` verifies the embedded "
      "sample payload.",
      "kvonce-trace"};
  set_footer(
      app, "",
      {{ExitCode::ok}, {ExitCode::violations}, {ExitCode::no_events}, {ExitCode::command_failed}});
  app.set_version_flag("--version", version_text);
  app.require_subcommand(0, 1);
  app.failure_message(escaped_failure);
  Console console{out, err, host};
  add_prepare_command(app, console);
  add_verify_command(app, console);
  add_explain_command(app, console);
  add_fetch_command(app, console);
  add_run_command(app, console);
  add_receive_command(app, console);
  add_report_command(app, console);
  add_batch_command(app, console);
  add_completion_command(app, console);
  try {
    try {
      app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
      return usage_exit(app, e, out, err);
    }
    if (app.get_subcommands().empty()) {
      const char* const run_argv[] = {argv[0], "run"};
      return run(2, run_argv, host);
    }
    out_bound.finish();
    check_stdout(out);
    check_stdout(host.out);  // a --json document is written to it directly
    return console.exit_code;
  } catch (const Error& e) {
    err_bound.finish();  // the error is the last word: never left out
    err << "kvonce-trace: " << to_string(e.kind()) << ": " << console_escape(e.what()) << "\n";
    return static_cast<int>(exit_code_for(e.kind()));
  } catch (const std::bad_alloc&) {
    err_bound.finish();
    err << "kvonce-trace: out of memory\n";
    return static_cast<int>(ExitCode::limit);
  } catch (const std::exception& e) {
    err_bound.finish();
    err << "kvonce-trace: internal error: " << console_escape(e.what()) << "\n";
    return static_cast<int>(ExitCode::internal);
  }
}

}  // namespace

int run(int argc, const char* const* argv, const Host& host) {
  // Console text is bounded per line and per stream (util/console_bound.hpp): a small payload
  // must not fill a CI log. A --json document is data: commands write it to host.out directly,
  // and --max-output-bytes bounds it.
  ConsoleBound out_bound(host.out.rdbuf()), err_bound(host.err.rdbuf());
  std::ostream out(&out_bound), err(&err_bound);
  const int code = run_bounded(argc, argv, host, out, err, out_bound, err_bound);
  out_bound.finish();
  err_bound.finish();
  out.flush();
  err.flush();
  return code;
}

}  // namespace kvonce::cli

// `kvonce-trace receive [OPTIONS] -- COMMAND [ARGS...]`: the OTLP endpoint of COMMAND's tests,
// and the verdict on what they sent when it exits; `receive --output FILE`: the capture alone.
#include <memory>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/steps/receive.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/file_roles.hpp"

#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/options.hpp"
#include "cli/receive_options.hpp"
#include "cli/report_options.hpp"

namespace kvonce::cli {
namespace {

constexpr const char* kAbout =
    R"(COMMAND runs with OTEL_EXPORTER_OTLP_TRACES_ENDPOINT set to the listener of the protocol its
environment asks for (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL: grpc
-> the gRPC listener; http/protobuf, http/json or unset -> the HTTP one, /v1/traces); a token
(--token-env) goes in OTEL_EXPORTER_OTLP_TRACES_HEADERS. SIGINT, SIGTERM and SIGHUP are sent on to
its process group. When it exits, exports still in flight are waited for (--drain), and what
arrived is kept in <trace-dir>/payload/kvonce-otlp-received.binpb and judged as `run` judges a
payload (both modes, the same outputs and report).
Without COMMAND, --output FILE: capture until --idle, --max-spans or the first SIGINT/SIGTERM,
and the requests in flight (--drain), then write FILE (a second signal aborts: no file, exit
130/143).
Listeners: --listen (OTLP/HTTP, default 127.0.0.1:4318), --grpc-listen (OTLP/gRPC, default
127.0.0.1:4317): HOST:PORT, PORT, 0 (a free port, printed) or none.
A command that cannot be run ends with 126 (not executable) or 127 (not found), as in a shell.)";

struct ReceiveCli {
  steps::ReceiveOptions options;
  std::string listen = "127.0.0.1:4318";
  std::string grpc_listen = "127.0.0.1:4317";
  std::optional<std::string> token_env;
  std::string drain = "2s";
  std::optional<std::string> idle;
  std::string connection_timeout = "30s";
  ConsoleOptions console;
};

void add_listener_options(CLI::App& cmd, ReceiveCli& cli) {
  receive::Limits& limits = cli.options.server.limits;
  cmd.add_option("--listen", cli.listen, "OTLP/HTTP listener: HOST:PORT, PORT, 0 or none")
      ->type_name("ADDR")
      ->capture_default_str();
  cmd.add_option("--grpc-listen", cli.grpc_listen, "OTLP/gRPC listener: HOST:PORT, PORT, 0 or none")
      ->type_name("ADDR")
      ->capture_default_str();
  cmd.add_option("--token-env", cli.token_env,
                 "Require `Authorization: Bearer <the value of VAR>` on every export")
      ->type_name("VAR");
  add_byte_size(cmd, "--max-request-bytes", limits.max_request_bytes,
                "Largest request body, as sent (HTTP 413, gRPC RESOURCE_EXHAUSTED)");
  add_byte_size(cmd, "--max-received-bytes", limits.max_total_bytes,
                "Largest capture: decompressed bytes of every request kept together");
  cmd.add_option("--max-connections", limits.max_connections, "Connections open at once")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 1 << 20).description(""));
  cmd.add_option("--connection-timeout", cli.connection_timeout,
                 "A connection that sends no byte for this long is closed")
      ->type_name("DURATION")
      ->capture_default_str();
}

void add_capture_options(CLI::App& cmd, ReceiveCli& cli) {
  steps::ReceiveOptions& o = cli.options;
  cmd.add_option("command", o.command, "The command to run (after --), and its arguments")
      ->type_name("COMMAND");
  cmd.add_option("-o,--output", o.output,
                 "Without COMMAND: write the capture here (Collector length-prefixed records)")
      ->type_name("FILE");
  cmd.add_option(
         "--drain", cli.drain,
         "After COMMAND exits or a capture ends, wait this long at most for requests in flight")
      ->type_name("DURATION")
      ->capture_default_str();
  cmd.add_option("--idle", cli.idle, "With --output: stop after this long without a request")
      ->type_name("DURATION");
  cmd.add_option("--max-spans", o.max_spans, "With --output: stop once this many spans arrived")
      ->type_name("N")
      ->check(
          CLI::Range(std::uint64_t{1}, std::numeric_limits<std::uint64_t>::max()).description(""));
}

void add_judging_options(CLI::App& cmd, ReceiveCli& cli) {
  steps::RunOptions& run = cli.options.run;
  run.report.emplace();
  cmd.add_option("--trace-dir", run.trace_dir, "Output tree (with COMMAND)")
      ->type_name("DIR")
      ->capture_default_str();
  add_rules(cmd, run.rules);
  add_judging_order(cmd, run.order, run.rules);
  add_read_limits(cmd, run.limits);
  add_max_output_bytes(cmd, run.max_output_bytes);
  add_masking(cmd, run.mask);
  add_report_options(cmd, *run.report);
  add_console_options(cmd, cli.console);
}

// The parsed text into the step's options; usage errors before anything listens.
void resolve(ReceiveCli& cli, const Environment& env) {
  steps::ReceiveOptions& o = cli.options;
  if (o.command.empty() && !o.output) {
    fail(ErrorKind::usage,
         "receive needs a command (receive [OPTIONS] -- COMMAND [ARGS...]) or --output FILE");
  }
  if (!o.command.empty() && o.output) {
    fail(ErrorKind::usage,
         "--output is for a capture without a command; with COMMAND the capture is kept in "
         "--trace-dir");
  }
  if (!o.command.empty() && (cli.idle || o.max_spans)) {
    fail(ErrorKind::usage, "--idle and --max-spans end a capture without a command (--output)");
  }
  o.server.http = parse_listen(cli.listen, "--listen");
  o.server.grpc = parse_listen(cli.grpc_listen, "--grpc-listen");
  if (!o.server.http.enabled && !o.server.grpc.enabled) {
    fail(ErrorKind::usage, "--listen none and --grpc-listen none: nothing would listen");
  }
  if (cli.token_env) {
    o.server.token = env(*cli.token_env);
    if (!o.server.token) {
      fail(ErrorKind::usage,
           "--token-env " + console_escape(*cli.token_env) + ": the variable is unset or empty");
    }
  }
  o.drain = parse_duration(cli.drain, "--drain");
  if (cli.idle) o.idle = parse_duration(*cli.idle, "--idle");
  o.server.limits.idle_timeout = parse_duration(cli.connection_timeout, "--connection-timeout");
  if (o.server.limits.idle_timeout.count() == 0) {
    fail(ErrorKind::usage, "--connection-timeout 0: a connection needs some time to send");
  }
  o.server.limits.read = o.run.limits;  // the same bounds as the judging
}

void check_file_roles(const steps::ReceiveOptions& o) {
  FileRoles roles;
  if (o.output) {
    roles.output(*o.output, "--output");
    roles.check();
    return;
  }
  const auto& t = o.run.trace_dir;
  roles.output(t / trace_dir::kPayloadDir / trace_dir::kReceivedFile, "--trace-dir");
  for (const char* mode : trace_dir::kModes) {
    for (const char* name : trace_dir::kModeFiles) roles.output(t / mode / name, "--trace-dir");
  }
  roles.output(t / trace_dir::kMetadataFile, "--trace-dir");
  roles.output(o.run.report->pr_comment ? std::filesystem::path(*o.run.report->pr_comment)
                                        : t / trace_dir::kPrCommentFile,
               "--pr-comment");
  if (o.run.report->step_summary) roles.output(*o.run.report->step_summary, "--step-summary");
  if (o.run.report->github_output) roles.output(*o.run.report->github_output, "--github-output");
  roles.check();
}

// The exit code of a command that ran, from its status and the verdict on what it sent.
int exit_code_of(const steps::ReceiveOutcome& outcome, Console& console) {
  const steps::RunOutcome& run = *outcome.run;
  const int verdict =
      run.mismatch ? static_cast<int>(ExitCode::violations) : verdict_exit_code(run.otlp);
  if (outcome.command->succeeded()) return verdict;
  console.err << "kvonce-trace: the command failed: " << outcome.command->describe() << "\n";
  if (verdict == static_cast<int>(ExitCode::violations)) return verdict;
  return static_cast<int>(ExitCode::command_failed);
}

}  // namespace

void add_receive_command(CLI::App& app, Console& console) {
  auto cli = std::make_shared<ReceiveCli>();
  CLI::App* cmd = app.add_subcommand("receive",
                                     "Be the OTLP endpoint of a test command (HTTP and gRPC), and "
                                     "judge what it sent when it exits");
  set_footer(*cmd, kAbout,
             {{ExitCode::ok, "the command succeeded and its trace conforms; a capture was written"},
              {ExitCode::violations, "the trace violates the rules (the command's status aside)"},
              {ExitCode::no_events, "the command succeeded and sent no KvOnce span"},
              {ExitCode::command_failed}});
  add_capture_options(*cmd, *cli);
  add_listener_options(*cmd, *cli);
  add_judging_options(*cmd, *cli);
  cmd->callback([cli, &console] {
    const Environment& env = console.host.env;
    steps::ReceiveOptions& o = cli->options;
    resolve(*cli, env);
    default_trace_link(o.run.report->trace_link, env);
    o.run.mask.environment = env;
    o.run.clock = console.host.clock;
    check_file_roles(o);
    const auto transport = console.transport(false);
    const auto log = [&](const std::string& line) {
      if (cli->console.quiet) return;
      console.out << line << (line.empty() || line.back() != '\n' ? "\n" : "") << std::flush;
    };
    const auto notice = [&](const std::string& line) { console.err << line << "\n" << std::flush; };
    const steps::ReceiveOutcome outcome = steps::receive(o, env, *transport, log, notice);
    if (!outcome.command) return;  // a capture, written
    if (!outcome.command->ran) {
      console.err << "kvonce-trace: " << console_escape(o.command.front()) << ": "
                  << outcome.command->describe() << "\n";
      console.exit_code = outcome.command->code;
      return;
    }
    steps::VerifyOptions shown;
    shown.output_dir = o.run.trace_dir / "otlp";
    shown.order = o.run.order;
    shown.rules = o.run.rules;
    shown.trace_link = o.run.report->trace_link;
    print_verdict(outcome.run->otlp, shown, cli->console, console);
    if (outcome.run->mismatch) {
      console.err << "kvonce-trace: mode-mismatch: " << console_escape(*outcome.run->mismatch)
                  << "\n";
    }
    console.exit_code = exit_code_of(outcome, console);
  });
}

}  // namespace kvonce::cli

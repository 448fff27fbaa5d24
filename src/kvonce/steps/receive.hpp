// The `receive` step: be the OTLP endpoint of a command's OpenTelemetry SDK and judge what it
// sent when it ends.
//   bind the listeners -> run COMMAND with the traces endpoint pointing at them (otel_env) and
//   signals forwarded to its process group -> when it exits, drain the exports still in flight
//   -> stop -> keep the capture in <trace_dir>/payload/ -> judge it as `run` judges a payload.
// Without a command, the capture alone: until --idle, --max-spans or the first SIGINT/SIGTERM,
// then the file the user named.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/receive/child_process.hpp"
#include "kvonce/receive/server.hpp"
#include "kvonce/steps/run.hpp"

namespace kvonce::steps {

struct ReceiveOptions {
  receive::ServerOptions server;
  std::vector<std::string> command;             // empty: capture into `output` only
  std::optional<std::filesystem::path> output;  // capture only: the records written here
  // After COMMAND exits, or a capture ends: how long requests in flight are waited for at most.
  std::chrono::milliseconds drain{2000};
  // Capture only: stop after this long without a request (none: no such bound).
  std::optional<std::chrono::milliseconds> idle;
  std::optional<std::uint64_t> max_spans;  // capture only: stop once this many spans arrived
  RunOptions run;                          // the judging; its input is set by receive
};

// Why a capture ended.
enum class CaptureEnd { command_exited, idle, max_spans, signal };

struct ReceiveOutcome {
  receive::Counters counters;                     // when the listeners stopped
  std::optional<receive::CommandStatus> command;  // with a command
  std::optional<RunOutcome> run;                  // the verdict (a command that ran)
  CaptureEnd ended_by = CaptureEnd::command_exited;
  int signal = 0;  // the signal that ended a capture
};

// `log` gets the step lines (stdout, as run's); `notice` what must be seen even with --quiet:
// where the listeners are, a replaced endpoint, how the command ended (stderr).
ReceiveOutcome receive(const ReceiveOptions& options, const Environment& env,
                       net::HttpTransport& transport,
                       const std::function<void(const std::string&)>& log,
                       const std::function<void(const std::string&)>& notice);

// When the drain after COMMAND's exit may end: nothing is being read, and either no connection
// is open or none answered a request for a while (a process the command left behind may keep an
// idle connection open). Exposed for tests.
bool drain_done(const receive::Counters& now, std::uint64_t requests_before,
                std::chrono::milliseconds quiet_for);

// "OTLP/HTTP http://127.0.0.1:4318/v1/traces, OTLP/gRPC http://127.0.0.1:4317"
std::string describe_listeners(const receive::ServerOptions& options, std::uint16_t http_port,
                               std::uint16_t grpc_port);

}  // namespace kvonce::steps

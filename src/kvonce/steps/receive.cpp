#include "kvonce/steps/receive.hpp"

#include <exception>
#include <thread>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/event/event_store.hpp"
#include "kvonce/fetch/metadata.hpp"
#include "kvonce/receive/capture.hpp"
#include "kvonce/receive/otel_env.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/plural.hpp"

namespace kvonce::steps {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::chrono::milliseconds kPoll{20};
// A drain ends early once no request was answered for this long and nothing is being read.
constexpr std::chrono::milliseconds kQuiet{200};

receive::BoundListeners bound(const receive::ServerOptions& o, const receive::Server& server) {
  return {o.http.host, server.http_port(), o.grpc.host, server.grpc_port()};
}

std::string counts(const receive::Counters& c) {
  std::string out = counted(c.spans, "span", "spans") + " in " +
                    counted(c.accepted_requests, "request", "requests");
  if (c.requests > c.accepted_requests) {
    out += " (" + counted(c.requests - c.accepted_requests, "request", "requests") + " refused";
    if (c.refused_spans) out += ", " + counted(c.refused_spans, "span", "spans") + " in them";
    out += ")";
  }
  return out;
}

// Waits for the exports still in flight after COMMAND's exit, at most `drain`.
void drain(const receive::Server& server, std::chrono::milliseconds limit) {
  const auto deadline = Clock::now() + limit;
  std::uint64_t requests = server.counters().requests;
  auto quiet_since = Clock::now();
  while (Clock::now() < deadline) {
    std::this_thread::sleep_for(kPoll);
    const receive::Counters now = server.counters();
    if (now.requests != requests || now.busy_connections != 0) {
      requests = now.requests;
      quiet_since = Clock::now();
    }
    const auto quiet =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - quiet_since);
    if (drain_done(now, requests, quiet)) return;
  }
}

// Capture only: waits for the first of a signal, --idle and --max-spans.
CaptureEnd wait_for_end(const ReceiveOptions& options, const receive::Server& server,
                        const receive::FirstSignalStops& signals) {
  const auto started = Clock::now();
  for (;;) {
    if (signals.received()) return CaptureEnd::signal;
    const receive::Counters c = server.counters();
    if (options.max_spans && c.spans >= *options.max_spans) return CaptureEnd::max_spans;
    if (options.idle && c.busy_connections == 0) {
      const auto last = std::max(started, c.last_request);
      if (Clock::now() - last >= *options.idle) return CaptureEnd::idle;
    }
    std::this_thread::sleep_for(kPoll);
  }
}

// The capture could not be written: Error(output), as any output.
void check_failure(const receive::Counters& c) {
  if (!c.failure.empty()) fail(ErrorKind::output, c.failure);
}

// A capture that reached a bound refused what came after it: incomplete, so it is kept (for a
// look) but not judged, and the run ends with exit 5 as verify's limits do.
void check_limit(const receive::Counters& c, const std::string& file, const std::string& status) {
  if (!c.limit_reached) return;
  fail(ErrorKind::limit, console_escape(c.limit_message) + ": " +
                             counted(c.refused_spans, "span was", "spans were") +
                             " refused after it; the capture in " + console_escape(file) +
                             " is incomplete and was not judged" + status);
}

const char* end_text(CaptureEnd end) {
  switch (end) {
    case CaptureEnd::command_exited: return "the command exited";
    case CaptureEnd::idle: return "--idle passed without a request";
    case CaptureEnd::max_spans: return "--max-spans reached";
    case CaptureEnd::signal: return "a signal";
  }
  return "";
}

std::string size_text(std::uint64_t bytes) {
  constexpr std::uint64_t kMiB = 1ull << 20;
  if (bytes >= kMiB && bytes % kMiB == 0) return std::to_string(bytes / kMiB) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// What senders are told up front: the largest request accepted, as sent and decompressed.
std::string largest_message(const receive::ServerOptions& options) {
  return " (requests up to " + size_text(options.limits.max_request_bytes) + " as sent, " +
         size_text(options.limits.read.max_decompressed_bytes) + " decompressed)";
}

// Reads the capture on a thread of its own while the command runs, so that the verdict after the
// command waits only for what arrived last, not for a second read of everything; run takes these
// events instead of reading the file. They are what a read of the finished file gives: the same
// bytes in the same order, under the same name and limits.
class ReadWhileReceiving {
 public:
  ReadWhileReceiving(receive::Capture& capture, const RunOptions& run, const std::string& name)
      : capture_(capture) {
    std::vector<std::unique_ptr<io::ByteSource>> inputs;
    inputs.push_back(capture.follow(name));
    if (!inputs.back()) return;  // run reads the file afterwards
    thread_ = std::thread([this, inputs = std::move(inputs), limits = run.limits,
                           partial = run.accept_partial]() mutable {
      try {
        result_ =
            payload::load_events(std::move(inputs), payload::Format::otlp, limits, store_, partial);
      } catch (...) {
        error_ = std::current_exception();
      }
    });
  }
  ~ReadWhileReceiving() {
    capture_.abandon();  // a read still waiting, or still going, stops
    if (thread_.joinable()) thread_.join();
  }
  bool reading() const { return thread_.joinable(); }
  ReadWhileReceiving(const ReadWhileReceiving&) = delete;
  ReadWhileReceiving& operator=(const ReadWhileReceiving&) = delete;

  // After the capture's commit: waits for the read to reach its end, then hands the events on in
  // their order (run's sink masks them as it would have).
  payload::LoadResult take(EventSink& sink) {
    thread_.join();
    if (error_) std::rethrow_exception(error_);
    for (std::size_t i = 0; i < store_.size(); ++i) sink.on_event(store_[i]);
    store_ = EventStore();
    return std::move(result_);
  }

 private:
  receive::Capture& capture_;
  EventStore store_;
  payload::LoadResult result_;
  std::exception_ptr error_;
  std::thread thread_;  // last: it starts once the members it fills exist
};

ReceiveOutcome capture_only(const ReceiveOptions& options,
                            const std::function<void(const std::string&)>& notice) {
  ReceiveOutcome out;
  receive::Capture capture(*options.output);
  receive::Server server(options.server, capture);
  receive::FirstSignalStops signals;  // before anything is received: a signal ends it normally
  server.start();
  notice("receive: listening: " +
         describe_listeners(options.server, server.http_port(), server.grpc_port()) +
         largest_message(options.server));
  out.ended_by = wait_for_end(options, server, signals);
  out.signal = signals.received();
  if (out.signal) {
    notice("receive: " + receive::signal_name(out.signal) +
           ": ending the capture once the requests in " +
           "flight are answered (--drain at most); a second signal aborts");
  }
  drain(server, options.drain);
  server.stop();
  out.counters = server.counters();
  check_failure(out.counters);
  capture.commit();
  check_limit(out.counters, options.output->string(), "");
  const std::string why = out.ended_by == CaptureEnd::signal ? receive::signal_name(out.signal)
                                                             : end_text(out.ended_by);
  notice("receive: " + counts(out.counters) + " written to " +
         console_escape(options.output->string()) + " (ended by " + why + ")");
  return out;
}

}  // namespace

bool drain_done(const receive::Counters& now, std::uint64_t requests_before,
                std::chrono::milliseconds quiet_for) {
  if (now.busy_connections != 0 || now.requests != requests_before) return false;
  return now.open_connections == 0 || quiet_for >= kQuiet;
}

std::string describe_listeners(const receive::ServerOptions& options, std::uint16_t http_port,
                               std::uint16_t grpc_port) {
  std::string out;
  if (http_port) {
    out += "OTLP/HTTP http://" + receive::reachable_host(options.http.host) + ":" +
           std::to_string(http_port) + "/v1/traces";
  }
  if (grpc_port) {
    out += std::string(out.empty() ? "" : ", ") + "OTLP/gRPC http://" +
           receive::reachable_host(options.grpc.host) + ":" + std::to_string(grpc_port);
  }
  return out;
}

ReceiveOutcome receive(const ReceiveOptions& options, const Environment& env,
                       net::HttpTransport& transport,
                       const std::function<void(const std::string&)>& log,
                       const std::function<void(const std::string&)>& notice) {
  if (options.command.empty()) return capture_only(options, notice);
  ReceiveOutcome out;
  const OutputDir tree = OutputDir::tree(options.run.trace_dir);
  const OutputPath kept(tree.sub(trace_dir::kPayloadDir), trace_dir::kReceivedFile);
  receive::Capture capture(kept);
  ReadWhileReceiving early(capture, options.run, kept.path().string());
  receive::Server server(options.server, capture);
  server.start();
  const std::string listeners =
      describe_listeners(options.server, server.http_port(), server.grpc_port());
  notice("receive: listening: " + listeners + largest_message(options.server));
  const receive::CommandEnvironment command_env =
      receive::command_environment(env, bound(options.server, server), options.server.token);
  for (const std::string& line : command_env.notes) notice("receive: " + line);
  {
    receive::ForwardSignals forward;  // before the command starts: no signal falls in between
    receive::ChildProcess child(options.command, command_env.variables);
    if (child.group() > 0) forward.to(child.group());
    out.command = child.wait();
  }
  if (!out.command->ran) {  // nothing was run: nothing to judge, and the capture is not kept
    server.stop();
    out.counters = server.counters();
    return out;
  }
  drain(server, options.drain);
  server.stop();
  out.counters = server.counters();
  check_failure(out.counters);
  capture.commit();
  check_limit(out.counters, kept.path().string(),
              " (the command ended with " + out.command->describe() + ")");
  log("receive: " + counts(out.counters) + " -> " + console_escape(kept.path().string()));

  RunOptions run_options = options.run;
  run_options.input = kept.path().string();
  run_options.input_source_type = fetch::kSourceReceive;
  run_options.input_source_detail = listeners;
  if (early.reading()) {
    run_options.read_input = [&early](EventSink& sink) { return early.take(sink); };
  }
  out.run = run(run_options, env, transport, log);
  return out;
}

}  // namespace kvonce::steps

#include "kvonce/steps/run.hpp"

#include <chrono>
#include <cstdio>

#include "kvonce/payload/sample.hpp"

namespace kvonce::steps {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string ms(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f ms", seconds * 1000);
  return buf;
}

std::string verdict(const VerifyOutcome& o) {
  if (o.no_events()) return "no events";
  return (o.valid() ? "valid, " : "INVALID, ") + std::to_string(o.result.issues.size()) + " issue(s)";
}

}  // namespace

std::optional<std::string> compare_verdicts(const VerifyOutcome& a, const VerifyOutcome& b) {
  if (a.events != b.events) {
    return std::to_string(a.events) + " events in otlp mode, " + std::to_string(b.events) +
           " in ndjson mode";
  }
  const auto& x = a.result.issues;
  const auto& y = b.result.issues;
  for (std::size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
    if (i >= x.size() || i >= y.size()) {
      return std::to_string(x.size()) + " issues in otlp mode, " + std::to_string(y.size()) +
             " in ndjson mode";
    }
    if (x[i].key != y[i].key || x[i].type != y[i].type || x[i].event_index != y[i].event_index ||
        x[i].count != y[i].count || x[i].message != y[i].message) {
      return "issue " + std::to_string(i) + " differs: [" + to_string(x[i].type) + "] " +
             x[i].key + " vs [" + to_string(y[i].type) + "] " + y[i].key;
    }
  }
  return std::nullopt;
}

RunOutcome run(const RunOptions& options, const std::function<void(const std::string&)>& log) {
  RunOutcome out;
  auto start = std::chrono::steady_clock::now();
  std::vector<std::unique_ptr<io::ByteSource>> inputs;
  if (options.input) {
    inputs.push_back(io::open_file(*options.input));
  } else {
    inputs.push_back(io::from_memory(std::string(payload::embedded_sample()),
                                     payload::kEmbeddedSampleName));
  }
  out.payload_name = inputs.front()->name();

  EventStore store;
  const privacy::MaskOptions mask = privacy::resolve_key(options.mask);  // before any output
  privacy::MaskingSink masking(store, mask);
  payload::LoadResult load =
      payload::load_events(std::move(inputs), payload::Format::otlp, options.limits, masking);
  if (options.order == Order::time) store.sort_by_time();
  const io::InputInfo info = load.inputs.front().info;
  out.payload_bytes = info.raw_bytes;
  log("prepare: " + out.payload_name + ": " + std::to_string(info.raw_bytes) + " bytes" +
      (info.gzip ? " (gzip, " + std::to_string(info.decompressed_bytes) + " inflated)" : "") +
      " -> " + std::to_string(load.stats.records) + " spans -> " + std::to_string(store.size()) +
      " events in " + ms(seconds_since(start)));

  start = std::chrono::steady_clock::now();
  VerifyOptions otlp{{}, payload::Format::otlp, options.trace_dir / "otlp", options.order,
                     options.rules, options.limits, mask};
  out.otlp = verify_store(store, std::move(load), otlp);
  log("verify otlp: " + verdict(out.otlp) + " in " + ms(seconds_since(start)));

  start = std::chrono::steady_clock::now();
  VerifyOptions nd{{(options.trace_dir / "otlp" / kEventsFile).string()}, payload::Format::ndjson,
                   options.trace_dir / "ndjson", options.order, options.rules, options.limits,
                   mask};
  if (out.otlp.no_events()) {
    nd.inputs.clear();  // nothing was prepared: ndjson mode sees no events either
  }
  out.ndjson = verify(nd);
  log("verify ndjson: " + verdict(out.ndjson) + " in " + ms(seconds_since(start)));

  out.mismatch = compare_verdicts(out.otlp, out.ndjson);
  log(out.mismatch ? "compare: mode-mismatch: " + *out.mismatch : "compare: otlp and ndjson verdicts agree");
  return out;
}

}  // namespace kvonce::steps

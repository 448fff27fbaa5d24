#include "kvonce/steps/prepare.hpp"

#include <chrono>

#include "kvonce/ndjson/writer.hpp"
#include "kvonce/output/validation.hpp"
#include "kvonce/rules/realtime_order.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/file_roles.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::steps {

const char* to_string(Order order) {
  switch (order) {
    case Order::time: return "time";
    case Order::input: return "input";
    case Order::realtime: return "realtime";
  }
  return "time";
}

void order_events(EventStore& store, Order order, std::uint64_t skew_ns) {
  if (order == Order::time) store.sort_by_time();
  if (order == Order::realtime) rules::order_realtime(store, skew_ns);
}

payload::LoadResult load_ordered(const std::vector<std::string>& inputs, payload::Format format,
                                 Order order, const io::ReadLimits& limits, EventStore& store,
                                 const privacy::MaskOptions& mask, bool accept_partial) {
  const privacy::MaskOptions resolved = privacy::resolve_key(mask);
  privacy::MaskingSink sink(store, resolved);  // passes events through when masking is off
  payload::LoadResult load = payload::load_files(inputs, format, limits, sink, accept_partial);
  order_events(store, order);
  return load;
}

std::string no_events_message(const ReadStats& stats) {
  return "no KvOnce events: none of the " + std::to_string(stats.records) +
         " records read carries both kvonce.event.type and kvonce.event.key (with a valid start "
         "time)";
}

PrepareResult prepare(const PrepareOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  FileRoles roles;
  for (const std::string& input : options.inputs) roles.input(input, "--input");
  roles.output(options.output, "--output");
  if (options.stats_path) roles.output(*options.stats_path, "--stats");
  roles.check();
  PrepareResult result;
  EventStore store;
  result.load = load_ordered(options.inputs, options.format, options.order, options.limits, store,
                             options.mask, options.accept_partial);
  result.events = store.size();
  if (store.empty()) fail(ErrorKind::no_events, no_events_message(result.load.stats));

  AtomicFile file(options.output);
  ndjson::Writer writer(file);
  for (std::size_t i = 0; i < store.size(); ++i) writer.on_event(store[i]);
  writer.finish();
  file.commit();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (options.stats_path) write_file_atomically(*options.stats_path, prepare_stats_json(result));
  return result;
}

std::string prepare_summary_text(const PrepareResult& r) {
  const ReadStats& s = r.load.stats;
  std::uint64_t raw = 0, plain = 0;
  for (const auto& in : r.load.inputs) {
    raw += in.info.raw_bytes;
    plain += in.info.decompressed_bytes;
  }
  std::string out = "prepare: " + std::to_string(r.events) + " events from " +
                    std::to_string(s.records) + " records in " +
                    std::to_string(r.load.inputs.size()) + " input(s), " + std::to_string(raw) +
                    " bytes (" + std::to_string(plain) + " decompressed)\n";
  out += "  read: " + payload::describe_read(r.load) + "\n";
  out += "  skipped: " + std::to_string(s.not_kvonce) + " not KvOnce, " +
         std::to_string(s.missing_type) + " without type, " + std::to_string(s.missing_key) +
         " without key, " + std::to_string(s.bad_timestamp) + " bad start time, " +
         std::to_string(s.duplicates) + " duplicate spans\n";
  for (const std::string& w : output::describe_warnings(s))
    out += "  warning: " + console_escape(w) + "\n";
  return out;
}

std::string prepare_stats_json(const PrepareResult& r) {
  const ReadStats& s = r.load.stats;
  std::string out = "{\"inputs\":[";
  for (std::size_t i = 0; i < r.load.inputs.size(); ++i) {
    const auto& in = r.load.inputs[i];
    out += i ? "," : "";
    out += "{\"name\":" + json_quote(in.name) + ",\"format\":\"" + payload::to_string(in.format) +
           "\",\"gzip\":" + (in.info.gzip ? "true" : "false") +
           ",\"bytes\":" + std::to_string(in.info.raw_bytes) +
           ",\"decompressedBytes\":" + std::to_string(in.info.decompressed_bytes) +
           ",\"form\":" + payload::form_json(in) + "}";
  }
  out += "],\"documents\":" + std::to_string(s.documents) +
         ",\"records\":" + std::to_string(s.records) + ",\"events\":" + std::to_string(r.events) +
         ",\"skipped\":{\"notKvonce\":" + std::to_string(s.not_kvonce) +
         ",\"missingType\":" + std::to_string(s.missing_type) +
         ",\"missingKey\":" + std::to_string(s.missing_key) +
         ",\"badTimestamp\":" + std::to_string(s.bad_timestamp) +
         ",\"duplicate\":" + std::to_string(s.duplicates) + "},\"warnings\":[";
  const auto warnings = output::describe_warnings(s);
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    out += i ? "," : "";
    out += json_quote(warnings[i]);
  }
  out += "],\"seconds\":" + format_number(r.seconds) + "}\n";
  return out;
}

}  // namespace kvonce::steps

#include "kvonce/steps/prepare.hpp"

#include <chrono>
#include <system_error>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/io/hashed_input.hpp"
#include "kvonce/output/source_record.hpp"
#include "kvonce/output/validation.hpp"
#include "kvonce/rules/realtime_order.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/file_roles.hpp"
#include "kvonce/util/plural.hpp"
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
                                 const privacy::MaskOptions& mask, bool accept_partial,
                                 std::uint64_t skew_ns) {
  const privacy::MaskOptions resolved = privacy::resolve_key(mask);
  privacy::MaskingSink sink(store, resolved);  // passes events through when masking is off
  payload::LoadResult load = payload::load_files(inputs, format, limits, sink, accept_partial);
  order_events(store, order, skew_ns);
  return load;
}

std::vector<std::unique_ptr<io::ByteSource>> open_hashed(
    const std::vector<std::string>& inputs, std::vector<std::unique_ptr<io::HashedInput>>& hashed) {
  std::vector<std::unique_ptr<io::ByteSource>> readers;
  for (const std::string& path : inputs) {
    std::unique_ptr<io::ByteSource> raw = io::open_file(path);
    std::string name = raw->name();
    hashed.push_back(std::make_unique<io::HashedInput>(std::move(raw), std::move(name)));
    readers.push_back(hashed.back()->reader());
  }
  return readers;
}

payload::LoadResult load_ordered_hashed(const std::vector<std::string>& inputs,
                                        payload::Format format, Order order,
                                        const io::ReadLimits& limits, EventStore& store,
                                        const privacy::MaskOptions& mask,
                                        std::vector<std::string>& input_sha256s,
                                        bool accept_partial, std::uint64_t skew_ns) {
  std::vector<std::unique_ptr<io::HashedInput>> hashed;
  std::vector<std::unique_ptr<io::ByteSource>> readers = open_hashed(inputs, hashed);
  const privacy::MaskOptions resolved = privacy::resolve_key(mask);
  privacy::MaskingSink sink(store, resolved);  // passes events through when masking is off
  payload::LoadResult load =
      payload::load_events(std::move(readers), format, limits, sink, accept_partial);
  order_events(store, order, skew_ns);
  for (const auto& input : hashed) {
    input->drain();  // a reader may stop before the end (trailing bytes it does not need)
    input_sha256s.push_back(input->finish_hex());
  }
  return load;
}

std::string no_events_message(const ReadStats& stats) {
  return "no KvOnce events: none of the " + std::to_string(stats.records) +
         " records read carries both kvonce.event.type and kvonce.event.key (with a valid start "
         "time)";
}

namespace {

// Only a file that stays where it was written gets a record: not standard output, a device, a
// FIFO or a descriptor (/dev/stdout), whose bytes no later verify can read back.
bool recordable(const std::string& output) {
  std::error_code ec;
  return output != "-" && !names_open_descriptor(output) &&
         std::filesystem::is_regular_file(output, ec);
}

output::SourceRecord source_record(const PrepareOptions& options,
                                   std::vector<std::string> input_sha256s,
                                   std::string output_sha256) {
  output::SourceRecord record;
  if (input_sha256s.size() == 1) record.payload_sha256 = input_sha256s.front();
  record.input_sha256s = std::move(input_sha256s);
  record.output_sha256 = std::move(output_sha256);
  record.order = to_string(options.order);
  record.masking.values = options.mask.values;
  record.masking.context_members = options.mask.context_members;
  record.masking.key_env = options.mask.key_env;
  return record;
}

// The events into `file`, hashed on the way; returns their SHA-256.
std::string write_events(const EventStore& store, AtomicFile& file) {
  crypto::Sha256 sha;
  std::string buf;
  const auto flush = [&] {
    sha.update(buf);
    file.write(buf);
    buf.clear();
  };
  for (std::size_t i = 0; i < store.size(); ++i) {
    append_event_line(buf, store[i]);
    if (buf.size() >= kWriteChunkBytes) flush();
  }
  flush();
  return sha.finish_hex();
}

}  // namespace

PrepareResult prepare(const PrepareOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  FileRoles roles;
  for (const std::string& input : options.inputs) roles.input(input, "--input");
  roles.output(options.output, "--output");
  const std::filesystem::path record_path = output::source_record_path(options.output);
  if (options.output != "-") roles.output(record_path, "--output's source record");
  if (options.stats_path) roles.output(*options.stats_path, "--stats");
  roles.check();
  PrepareResult result;
  EventStore store;
  std::vector<std::string> input_sha256s;
  result.load = load_ordered_hashed(options.inputs, options.format, options.order, options.limits,
                                    store, options.mask, input_sha256s, options.accept_partial);
  result.events = store.size();
  if (store.empty()) fail(ErrorKind::no_events, no_events_message(result.load.stats));

  AtomicFile file(options.output);
  std::string output_sha256 = write_events(store, file);
  file.commit();
  // After the events: a record that does not describe the file beside it ties it to nothing.
  if (recordable(options.output)) {
    std::string json;
    output::SourceRecord record =
        source_record(options, std::move(input_sha256s), std::move(output_sha256));
    record.partial = output::partial_warnings(result.load.stats);
    output::append_source_record(json, record);
    write_file_atomically(record_path, json + "\n");
    result.source_record = record_path;
  }
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
  std::string out = "prepare: " + counted(r.events, "event", "events") + " from " +
                    counted(s.records, "record", "records") + " in " +
                    counted(r.load.inputs.size(), "input", "inputs") + ", " +
                    counted(raw, "byte", "bytes") + " (" + std::to_string(plain) +
                    " decompressed)\n";
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

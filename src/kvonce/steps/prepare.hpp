// The `prepare` step: payload files -> ordered KvOnce events -> NDJSON file.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/event/event_store.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/io/hashed_input.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/privacy/masking.hpp"

namespace kvonce::steps {

// time: by start time (stable); input: payload order; realtime (spec only): the verification
// order of real-time judging (rules/realtime_order.hpp).
enum class Order { time, input, realtime };
const char* to_string(Order order);

// Puts the store's events in `order`; `skew_ns` widens intervals under realtime.
void order_events(EventStore& store, Order order, std::uint64_t skew_ns = 0);

struct PrepareOptions {
  std::vector<std::string> inputs;  // paths; "-" is standard input
  payload::Format format = payload::Format::autodetect;
  // Read a Tempo v2 PARTIAL trace, with a warning.
  bool accept_partial = false;
  // NDJSON path; "-" is standard output. A regular file gets its source record beside it
  // (output/source_record.hpp), so that a verify of it can be tied to the payload's.
  std::string output = "-";
  Order order = Order::time;
  io::ReadLimits limits;
  std::optional<std::string> stats_path;  // the summary as JSON
  privacy::MaskOptions mask;              // masking applied as events are read
};

struct PrepareResult {
  payload::LoadResult load;
  std::uint64_t events = 0;
  std::optional<std::filesystem::path> source_record;  // written beside the output
  double seconds = 0;
};

// Loads inputs into `store` and orders them. Shared by prepare, verify and run. With masking on,
// events are masked before the store sees them (under mask.key, or a key resolved here).
payload::LoadResult load_ordered(const std::vector<std::string>& inputs, payload::Format format,
                                 Order order, const io::ReadLimits& limits, EventStore& store,
                                 const privacy::MaskOptions& mask = {}, bool accept_partial = false,
                                 std::uint64_t skew_ns = 0);

// Opens each input for one reading pass that also hashes it: the readers go to the payload
// reader; `hashed` gives each input's SHA-256 once read (drain, then finish_hex).
std::vector<std::unique_ptr<io::ByteSource>> open_hashed(
    const std::vector<std::string>& inputs, std::vector<std::unique_ptr<io::HashedInput>>& hashed);

// load_ordered, hashing each input as it is read (and to its end): `input_sha256s` receives one
// SHA-256 per input, in reading order. `skew_ns` widens intervals under Order::realtime.
payload::LoadResult load_ordered_hashed(const std::vector<std::string>& inputs,
                                        payload::Format format, Order order,
                                        const io::ReadLimits& limits, EventStore& store,
                                        const privacy::MaskOptions& mask,
                                        std::vector<std::string>& input_sha256s,
                                        bool accept_partial = false, std::uint64_t skew_ns = 0);

// Throws Error(no_events) when the inputs hold no KvOnce event; then no output file is written.
PrepareResult prepare(const PrepareOptions& options);

// The summary `prepare` prints on stderr and writes with --stats.
std::string prepare_summary_text(const PrepareResult& result);
std::string prepare_stats_json(const PrepareResult& result);

// The message for a payload without KvOnce events.
std::string no_events_message(const ReadStats& stats);

}  // namespace kvonce::steps

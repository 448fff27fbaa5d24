// The KvOnce event: what one span (or one NDJSON line) says about one key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvonce {

// A borrowed view of one event. trace_id, actor, type and key are plain text; value, reason and
// context are JSON text (compact), absent when the span or line did not carry them.
struct EventView {
  std::uint64_t time_ns = 0;  // start time, nanoseconds since the Unix epoch (ordering key)
  std::string_view trace_id;
  std::string_view actor;
  std::string_view type;
  std::string_view key;
  std::optional<std::string_view> value;
  std::optional<std::string_view> reason;
  std::optional<std::string_view> context;
};

// Push-style consumer of events: readers call on_event() for each event as they decode it.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const EventView& event) = 0;
};

// Appends one NDJSON line (with '\n') in the contract's field order:
// traceId, timestamp, actor, event, type, key, value, reason, context.
void append_event_line(std::string& out, const EventView& event);

}  // namespace kvonce

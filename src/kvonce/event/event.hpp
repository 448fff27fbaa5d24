// The KvOnce event: what one span (or one NDJSON line) says about one key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kvonce/util/time.hpp"

namespace kvonce {

// How an event gave its type or its key. OTLP events always give text; an NDJSON line may give
// another JSON value (kept as its compact JSON text, so the number 10 stays apart from the
// string "10") or nothing at all (the member absent or null).
enum class FieldForm : std::uint8_t { text, json, missing };

// A borrowed view of one event. trace_id, actor, type and key are plain text (type and key: see
// type_form and key_form); value, reason and context are JSON text (compact), absent when the
// span or line did not carry them.
struct EventView {
  Nanos time_ns = 0;  // start time, nanoseconds since the Unix epoch, signed (ordering key)
  bool timed = true;  // false: an NDJSON line without a valid timestamp (time_ns is 0)
  // The span's end, when it has a valid one (not before the start); otherwise the event is a
  // point at its start. Real-time judging reads the interval [time_ns, end()]. A valid end is
  // never before the Unix epoch (OTLP ends and NDJSON's endTimeUnixNano are unsigned).
  bool ended = false;
  Nanos end_ns = 0;
  FieldForm type_form = FieldForm::text;
  FieldForm key_form = FieldForm::text;
  std::string_view trace_id;
  std::string_view span_id;  // "" when the span or line carried none (links need it, rules don't)
  std::string_view actor;
  std::string_view type;
  std::string_view key;
  std::optional<std::string_view> value;
  std::optional<std::string_view> reason;
  std::optional<std::string_view> context;

  Nanos end() const { return ended ? end_ns : time_ns; }
};

// Push-style consumer of events: readers call on_event() for each event as they decode it.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void on_event(const EventView& event) = 0;
};

// Appends one NDJSON line (with '\n') in the contract's field order:
// traceId, spanId (only when known), timestamp, timeUnixNano and endTimeUnixNano (when known),
// actor, event, type, key, value, reason, context. An untimed event has "timestamp": null; a type
// or key is written as it was given (a string, its JSON, or null).
void append_event_line(std::string& out, const EventView& event);
// The same line written at p, which has room for event_line_bound(event) bytes; returns its end.
std::size_t event_line_bound(const EventView& event);
char* put_event_line(char* p, const EventView& event);

// The event's timestamp as JSON: "2025-10-09T08:53:20.000Z", or null when it has none.
void append_timestamp_json(std::string& out, const EventView& event);
inline constexpr std::size_t kTimestampJsonBound = 26;
char* put_timestamp_json(char* p, const EventView& event);

}  // namespace kvonce

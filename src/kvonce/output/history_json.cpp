#include "kvonce/output/history_json.hpp"

#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::output {

void append_history_event_json(std::string& out, const rules::HistoryEvent& e) {
  out += "{\"eventIndex\":" + std::to_string(e.index);
  out += ",\"timestamp\":" + (e.timed ? "\"" + format_iso_millis(e.time_ns) + "\"" : "null");
  // Exact times only within OTLP's range (1970..2554), as the events file writes them.
  if (e.timed && is_unix_u64(e.time_ns)) {
    out += ",\"timeUnixNano\":\"" + std::to_string(static_cast<std::uint64_t>(e.time_ns)) + "\"";
  }
  if (e.end_ns) {
    out += ",\"endTimeUnixNano\":\"" + std::to_string(static_cast<std::uint64_t>(*e.end_ns)) + "\"";
  }
  out += ",\"type\":" + (e.type ? json_quote(*e.type) : "null");
  out += ",\"attempts\":" + e.attempts.value_or("null");
  // Values and reasons are JSON text: written as strings, since a cut one is no longer JSON.
  if (e.value) out += ",\"value\":" + json_quote(*e.value);
  if (e.reason) out += ",\"reason\":" + json_quote(*e.reason);
  if (e.truncated) out += ",\"truncated\":true";
  out += ",\"traceId\":" + json_quote(e.trace_id);
  if (!e.span_id.empty()) out += ",\"spanId\":" + json_quote(e.span_id);
  out += "}";
}

void append_history_json(std::string& out, const EventStore& events,
                         const std::vector<std::uint64_t>& history, rules::Profile profile) {
  out += "[";
  for (std::size_t i = 0; i < history.size(); ++i) {
    out += i ? "," : "";
    append_history_event_json(out, rules::describe_event(events[history[i]], history[i], profile));
  }
  out += "]";
}

}  // namespace kvonce::output

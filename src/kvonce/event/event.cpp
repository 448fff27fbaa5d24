#include "kvonce/event/event.hpp"

#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce {

void append_event_line(std::string& out, const EventView& e) {
  out += "{\"traceId\":";
  append_json_string(out, e.trace_id);
  out += ",\"timestamp\":\"";
  append_iso_millis(out, e.time_ns);
  // The exact start time beside the millisecond timestamp consumers read: spans of one
  // millisecond keep their order when prepared files are verified together.
  out += "\",\"timeUnixNano\":\"";
  append_uint(out, e.time_ns);
  out += "\",\"actor\":";
  append_json_string(out, e.actor);
  out += ",\"event\":";
  append_json_string(out, e.type);
  out += ",\"type\":";
  append_json_string(out, e.type);
  out += ",\"key\":";
  append_json_string(out, e.key);
  if (e.value) (out += ",\"value\":") += *e.value;
  if (e.reason) (out += ",\"reason\":") += *e.reason;
  if (e.context) (out += ",\"context\":") += *e.context;
  out += "}\n";
}

}  // namespace kvonce

#include "kvonce/event/event.hpp"

#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce {

void append_timestamp_json(std::string& out, const EventView& e) {
  if (!e.timed) {
    out += "null";
    return;
  }
  out += '"';
  append_iso_millis(out, e.time_ns);
  out += '"';
}

void append_field_json(std::string& out, FieldForm form, std::string_view text) {
  switch (form) {
    case FieldForm::text: append_json_string(out, text); return;
    case FieldForm::json: out += text; return;
    case FieldForm::missing: out += "null"; return;
  }
}

void append_event_line(std::string& out, const EventView& e) {
  out += "{\"traceId\":";
  append_json_string(out, e.trace_id);
  if (!e.span_id.empty()) {
    out += ",\"spanId\":";
    append_json_string(out, e.span_id);
  }
  out += ",\"timestamp\":";
  append_timestamp_json(out, e);
  if (e.timed && is_unix_u64(e.time_ns)) {
    // The exact start time beside the millisecond timestamp consumers read: spans of one
    // millisecond keep their order when prepared files are verified together. Only OTLP's
    // range (1970..2554) has one.
    out += ",\"timeUnixNano\":\"";
    append_uint(out, static_cast<std::uint64_t>(e.time_ns));
    out += '"';
  }
  if (e.ended) {  // a valid end is never before the epoch, whatever the start
    out += ",\"endTimeUnixNano\":\"";
    append_uint(out, static_cast<std::uint64_t>(e.end_ns));
    out += '"';
  }
  out += ",\"actor\":";
  append_json_string(out, e.actor);
  out += ",\"event\":";
  append_field_json(out, e.type_form, e.type);
  out += ",\"type\":";
  append_field_json(out, e.type_form, e.type);
  out += ",\"key\":";
  append_field_json(out, e.key_form, e.key);
  if (e.value) (out += ",\"value\":") += *e.value;
  if (e.reason) (out += ",\"reason\":") += *e.reason;
  if (e.context) (out += ",\"context\":") += *e.context;
  out += "}\n";
}

}  // namespace kvonce

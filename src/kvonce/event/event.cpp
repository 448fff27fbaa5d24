#include "kvonce/event/event.hpp"

#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce {

namespace {

// Room for a type or key as JSON, in the form it was given ("null" fits the fixed part's room).
std::size_t field_bound(FieldForm form, std::string_view text) {
  return form == FieldForm::json ? text.size() : json_string_bound(text.size());
}

char* put_field_json(char* p, FieldForm form, std::string_view text) {
  switch (form) {
    case FieldForm::text: return put_json_string(p, text);
    case FieldForm::json: return put_text(p, text);
    case FieldForm::missing: break;
  }
  return put_text(p, "null");
}

std::size_t optional_size(const std::optional<std::string_view>& text) {
  return text ? text->size() : 0;
}

}  // namespace

char* put_timestamp_json(char* p, const EventView& e) {
  if (!e.timed) return put_text(p, "null");
  *p++ = '"';
  p = put_iso_millis(p, e.time_ns);
  *p++ = '"';
  return p;
}

void append_timestamp_json(std::string& out, const EventView& e) {
  char buf[kTimestampJsonBound];
  out.append(buf, put_timestamp_json(buf, e));
}

std::size_t event_line_bound(const EventView& e) {
  constexpr std::size_t kFixed = 256;  // member names, punctuation, timestamp and numbers
  return kFixed + json_string_bound(e.trace_id.size()) + json_string_bound(e.span_id.size()) +
         json_string_bound(e.actor.size()) + 2 * field_bound(e.type_form, e.type) +
         field_bound(e.key_form, e.key) + optional_size(e.value) + optional_size(e.reason) +
         optional_size(e.context);
}

char* put_event_line(char* p, const EventView& e) {
  p = put_text(p, "{\"traceId\":");
  p = put_json_string(p, e.trace_id);
  if (!e.span_id.empty()) {
    p = put_text(p, ",\"spanId\":");
    p = put_json_string(p, e.span_id);
  }
  p = put_text(p, ",\"timestamp\":");
  p = put_timestamp_json(p, e);
  if (e.timed && is_unix_u64(e.time_ns)) {
    // The exact start time beside the millisecond timestamp consumers read: spans of one
    // millisecond keep their order when prepared files are verified together. Only OTLP's
    // range (1970..2554) has one.
    p = put_text(p, ",\"timeUnixNano\":\"");
    p = put_uint(p, static_cast<std::uint64_t>(e.time_ns));
    *p++ = '"';
  }
  if (e.ended) {  // a valid end is never before the epoch, whatever the start
    p = put_text(p, ",\"endTimeUnixNano\":\"");
    p = put_uint(p, static_cast<std::uint64_t>(e.end_ns));
    *p++ = '"';
  }
  p = put_text(p, ",\"actor\":");
  p = put_json_string(p, e.actor);
  p = put_text(p, ",\"event\":");
  p = put_field_json(p, e.type_form, e.type);
  p = put_text(p, ",\"type\":");
  p = put_field_json(p, e.type_form, e.type);
  p = put_text(p, ",\"key\":");
  p = put_field_json(p, e.key_form, e.key);
  if (e.value) p = put_text(put_text(p, ",\"value\":"), *e.value);
  if (e.reason) p = put_text(put_text(p, ",\"reason\":"), *e.reason);
  if (e.context) p = put_text(put_text(p, ",\"context\":"), *e.context);
  return put_text(p, "}\n");
}

void append_event_line(std::string& out, const EventView& e) {
  const std::size_t at = out.size();
  out.resize(at + event_line_bound(e));
  out.resize(static_cast<std::size_t>(put_event_line(out.data() + at, e) - out.data()));
}

}  // namespace kvonce

#include "kvonce/report/history_load.hpp"

#include "kvonce/util/time.hpp"

namespace kvonce::report {
namespace {

// An end in nanoseconds as the table shows times; "" when it is no count.
std::string format_end(std::string_view nanos) {
  const auto ns = parse_u64(nanos);
  return ns ? format_iso_millis(*ns) : std::string();
}

HistoryEntry read_entry(json::Reader& r) {
  HistoryEntry e;
  r.begin_object();
  std::string_view name;
  while (r.next_member(name)) {
    if (name == "eventIndex" && r.peek() == json::Kind::number)
      e.event_index = parse_u64(r.number());
    else if (name == "timestamp")
      e.timestamp = text_value(r);
    else if (name == "endTimeUnixNano" && r.peek() == json::Kind::string)
      e.end = format_end(r.string());
    else if (name == "type")
      e.type = text_value(r);
    else if (name == "attempts")
      e.attempts = text_value(r);
    else if (name == "value")
      e.value = text_value(r);
    else if (name == "reason")
      e.reason = text_value(r);
    else if (name == "traceId")
      e.trace_id = text_value(r);
    else if (name == "spanId")
      e.span_id = text_value(r);
    else
      r.skip();
  }
  return e;
}

}  // namespace

std::string text_value(json::Reader& r) {
  if (r.peek() == json::Kind::string) return std::string(r.string());
  if (r.peek() == json::Kind::null) {
    r.null();
    return {};
  }
  std::string out;
  r.copy_value(out);
  return out;
}

std::vector<HistoryEntry> read_history(json::Reader& r) {
  std::vector<HistoryEntry> out;
  if (r.peek() != json::Kind::array) {
    r.skip();
    return out;
  }
  r.begin_array();
  while (r.next_element()) {
    if (r.peek() != json::Kind::object) {
      r.skip();
      continue;
    }
    if (out.size() == kMaxHistoryEntries) out.erase(out.begin());
    out.push_back(read_entry(r));
  }
  return out;
}

}  // namespace kvonce::report

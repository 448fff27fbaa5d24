#include "kvonce/ndjson/reader.hpp"

#include "kvonce/json/reader.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::ndjson {
namespace {

// One line's fields, reused across lines so buffers keep their capacity.
struct LineFields {
  std::string trace_id, span_id, timestamp, actor, type, key, value, reason, context;
  std::string time_unix_nano;      // the exact start time, when the writer recorded it
  std::string end_time_unix_nano;  // the span's end, when the writer recorded it
  bool has_timestamp = false, has_value = false, has_reason = false, has_context = false;
  FieldForm type_form = FieldForm::missing, key_form = FieldForm::missing;
  bool has_time_unix_nano = false, has_end_time = false;

  void clear() {
    trace_id.clear();
    span_id.clear();
    actor.clear();
    type.clear();
    key.clear();
    has_timestamp = has_value = has_reason = has_context = has_time_unix_nano = has_end_time =
        false;
    type_form = key_form = FieldForm::missing;
  }
};

// Strings are trimmed; numbers and booleans become their text; anything else is absent.
void read_scalar(json::Reader& r, std::string& out) {
  switch (r.peek()) {
    case json::Kind::string: out.assign(trim(r.string())); return;
    case json::Kind::number: out.assign(r.number()); return;
    case json::Kind::boolean: out.assign(r.boolean() ? "true" : "false"); return;
    default: r.skip(); out.clear();
  }
}

// A type or key exactly as given: a string untrimmed (keys "k" and "k " are two keys), another
// value as its JSON text, null as missing. A later member of the same name replaces an earlier.
void read_field(json::Reader& r, std::string& out, FieldForm& form) {
  out.clear();
  switch (r.peek()) {
    case json::Kind::string:
      out.assign(r.string());
      form = FieldForm::text;
      return;
    case json::Kind::null:
      r.null();
      form = FieldForm::missing;
      return;
    default: r.copy_value(out); form = FieldForm::json;
  }
}

void read_json(json::Reader& r, std::string& out, bool& has) {
  out.clear();
  r.copy_value(out);
  has = true;
}

void read_line_object(json::Reader& r, LineFields& f) {
  r.begin_object();
  std::string_view m;
  while (r.next_member(m)) {
    if (m == "traceId") {
      read_scalar(r, f.trace_id);
    } else if (m == "spanId") {
      read_scalar(r, f.span_id);
    } else if (m == "timestamp") {
      f.has_timestamp = r.peek() == json::Kind::string;
      if (f.has_timestamp) {
        f.timestamp.assign(r.string());
      } else {
        r.skip();
      }
    } else if (m == "timeUnixNano") {
      f.has_time_unix_nano = r.peek() == json::Kind::string || r.peek() == json::Kind::number;
      if (f.has_time_unix_nano) {
        f.time_unix_nano.assign(r.peek() == json::Kind::string ? r.string() : r.number());
      } else {
        r.skip();
      }
    } else if (m == "endTimeUnixNano") {
      f.has_end_time = r.peek() == json::Kind::string;
      if (f.has_end_time) {
        f.end_time_unix_nano.assign(r.string());
      } else {
        r.skip();
      }
    } else if (m == "actor") {
      read_scalar(r, f.actor);
    } else if (m == "type") {
      read_field(r, f.type, f.type_form);
    } else if (m == "key") {
      read_field(r, f.key, f.key_form);
    } else if (m == "value") {
      read_json(r, f.value, f.has_value);
    } else if (m == "reason") {
      read_json(r, f.reason, f.has_reason);
    } else if (m == "context") {
      read_json(r, f.context, f.has_context);
    } else {
      r.skip();  // "event" repeats "type"; unknown fields are ignored
    }
  }
}

// Outside 1970..2554 no timeUnixNano can hold an instant, so written back as NDJSON it is its
// millisecond: it is read as that millisecond too, so that events read, written and read again
// are the same events (run's two modes, prepare then verify).
Nanos writable(Nanos timestamp_ns) {
  if (is_unix_u64(timestamp_ns)) return timestamp_ns;
  return static_cast<Nanos>(floor_millis(timestamp_ns)) * 1'000'000;  // as the timestamp is written
}

// timeUnixNano refines timestamp when both name the same millisecond; otherwise timestamp, which
// every consumer reads, wins and the disagreement is reported.
Nanos exact_time(const LineFields& f, Nanos timestamp_ns, const std::string& where,
                 ReadStats& stats) {
  if (!f.has_time_unix_nano) return writable(timestamp_ns);
  const auto ns = parse_u64(trim(f.time_unix_nano));
  // Outside OTLP's range no timeUnixNano names the timestamp's millisecond; within it, the
  // division stays in 64 bits.
  if (ns && is_unix_u64(timestamp_ns) &&
      *ns / 1000000 == static_cast<std::uint64_t>(timestamp_ns) / 1000000) {
    return *ns;
  }
  stats.warn(where + ": timeUnixNano \"" + f.time_unix_nano.substr(0, 40) + "\" " +
             (ns ? "is not within the timestamp's millisecond" : "is not an unsigned integer") +
             "; timestamp used");
  return writable(timestamp_ns);
}

}  // namespace

void read_events(io::ByteSource& source, const io::ReadLimits& limits, EventSink& sink,
                 ReadStats& stats) {
  json::Reader r(source, limits);
  LineFields f;
  std::string trace_fallback;
  while (r.next_document()) {
    // A line is trimmed as String.prototype.trim trims it (U+00A0, U+2028, VT, ... too), as the
    // JavaScript projector read it; a line of white space only is a blank line.
    if (r.at_line_end()) continue;
    const std::uint64_t line = r.line();
    f.clear();
    try {
      // A line that is valid JSON but no object (5, "x", [..], null) names no type and no key:
      // skipped and counted as {} is.
      if (r.peek() == json::Kind::object) {
        read_line_object(r, f);
      } else {
        r.skip();
      }
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::input) throw;
      // Name the line the object started on: the reader may have run on into later lines.
      std::string detail = e.what();
      if (detail.rfind(source.name() + ": ", 0) == 0) detail.erase(0, source.name().size() + 2);
      fail(ErrorKind::input, source.name() + ": line " + std::to_string(line) +
                                 " is not a valid JSON object: " + detail);
    }
    if (!r.at_line_end() || r.line() != line) {
      r.error("line " + std::to_string(line) + " must hold exactly one JSON object");
    }
    ++stats.records;
    if (f.type_form == FieldForm::missing && f.key_form == FieldForm::missing) {
      ++stats.not_kvonce;
      continue;
    }
    // An event without a valid time is kept untimed: spec reports it, compat keeps it silently
    // as the replaced pipeline did; neither skips it, so no warning.
    const auto time = f.has_timestamp ? parse_iso_instant(trim(f.timestamp)) : std::nullopt;
    EventView e;
    e.time_ns =
        time ? exact_time(f, *time, source.name() + ": line " + std::to_string(line), stats) : 0;
    e.timed = time.has_value();
    // endTimeUnixNano (a decimal string, as timeUnixNano) makes the event an interval; one that
    // is unreadable or before the start leaves a point.
    const auto end = f.has_end_time ? parse_u64(f.end_time_unix_nano) : std::nullopt;
    e.ended = e.timed && end && *end >= e.time_ns;
    e.end_ns = e.ended ? *end : 0;
    e.type_form = f.type_form;
    e.key_form = f.key_form;
    if (f.trace_id.empty()) trace_fallback = "ndjson-missing-traceid-l" + std::to_string(line);
    e.trace_id = f.trace_id.empty() ? std::string_view(trace_fallback) : f.trace_id;
    e.span_id = f.span_id;
    e.actor = f.actor.empty() ? std::string_view("unknown") : f.actor;
    e.type = f.type;
    e.key = f.key;
    if (f.has_value) e.value = f.value;
    if (f.has_reason) e.reason = f.reason;
    if (f.has_context) e.context = f.context;
    ++stats.events;
    sink.on_event(e);
  }
}

}  // namespace kvonce::ndjson

#include "kvonce/otlp/reader.hpp"

#include "kvonce/json/reader.hpp"
#include "kvonce/otlp/ids.hpp"
#include "kvonce/otlp/span_fields.hpp"
#include "kvonce/otlp/span_identity.hpp"
#include "kvonce/util/js_trim.hpp"

namespace kvonce::otlp {
namespace {

bool is_scope_spans_member(std::string_view m) {
  return m == "scopeSpans" || m == "scope_spans" || m == "instrumentationLibrarySpans" ||
         m == "instrumentation_library_spans";
}

}  // namespace

struct Converter::State {
  EventSink& sink;
  ReadStats& stats;
  SpanIdentitySet seen;
  std::uint64_t next_resource = 0;

  // Per resourceSpans object.
  AttributeSet resource;
  bool resource_seen = false;
  std::vector<MappedEvent> pending;  // spans read before their resource

  // Reused per span so that buffers keep their capacity.
  SpanFields span;
  MappedEvent event;
  std::vector<std::string> problems;
  std::string warning;

  State(EventSink& s, ReadStats& st) : sink(s), stats(st) {}

  void read_document(json::Reader& r);
  void read_resource_spans(json::Reader& r);
  void read_scope_spans(json::Reader& r, std::uint64_t resource_index, std::uint64_t scope_index);
  void read_span(json::Reader& r);
  void finish_span(json::Reader& r);
  std::string where(const json::Reader& r) const;
};

std::string Converter::State::where(const json::Reader& r) const {
  return r.source_name() + ": span r" + std::to_string(span.resource_index) + "-s" +
         std::to_string(span.scope_index) + "-p" + std::to_string(span.span_index) + " at byte " +
         std::to_string(span.offset);
}

void Converter::State::read_document(json::Reader& r) {
  ++stats.documents;
  if (r.peek() != json::Kind::object) {
    r.error("expected an OTLP JSON object such as {\"resourceSpans\":[...]}");
  }
  r.begin_object();
  std::string_view member;
  while (r.next_member(member)) {
    if ((member == "resourceSpans" || member == "resource_spans") &&
        r.peek() == json::Kind::array) {
      r.begin_array();
      while (r.next_element()) read_resource_spans(r);
    } else {
      r.skip();
    }
  }
}

void Converter::State::read_resource_spans(json::Reader& r) {
  if (r.peek() != json::Kind::object) return r.skip();
  const std::uint64_t resource_index = next_resource++;
  resource.clear();
  resource_seen = false;
  pending.clear();
  std::uint64_t scope_index = 0;
  r.begin_object();
  std::string_view member;
  while (r.next_member(member)) {
    if (member == "resource" && r.peek() == json::Kind::object) {
      r.begin_object();
      std::string_view m;
      while (r.next_member(m)) {
        if (m == "attributes") {
          read_attributes(r, resource, problems);
          for (std::string& p : problems) {
            stats.warn(r.source_name() + ": resource r" + std::to_string(resource_index) + ": " +
                       p);
          }
          problems.clear();
        } else {
          r.skip();
        }
      }
      resource_seen = true;
    } else if (is_scope_spans_member(member) && r.peek() == json::Kind::array) {
      r.begin_array();
      while (r.next_element()) read_scope_spans(r, resource_index, scope_index++);
    } else {
      r.skip();
    }
  }
  for (MappedEvent& late : pending) {
    apply_late_resource(late, resource);
    ++stats.events;
    sink.on_event(late.view());
  }
  pending.clear();
}

void Converter::State::read_scope_spans(json::Reader& r, std::uint64_t resource_index,
                                        std::uint64_t scope_index) {
  if (r.peek() != json::Kind::object) return r.skip();
  std::uint64_t span_index = 0;
  r.begin_object();
  std::string_view member;
  while (r.next_member(member)) {
    if (member != "spans" || r.peek() != json::Kind::array) {
      r.skip();
      continue;
    }
    r.begin_array();
    while (r.next_element()) {
      span.clear();
      span.resource_index = resource_index;
      span.scope_index = scope_index;
      span.span_index = span_index++;
      read_span(r);
    }
  }
}

void Converter::State::read_span(json::Reader& r) {
  if (r.peek() != json::Kind::object) return r.skip();
  span.offset = r.offset();
  r.begin_object();
  std::string_view m;
  while (r.next_member(m)) {
    if (m == "traceId" || m == "trace_id") {
      if (r.peek() == json::Kind::string) {
        span.trace_id = normalize_id(js_trim(r.string()), 16);  // trimmed as the converter did
      } else {
        r.skip();
      }
    } else if (m == "spanId" || m == "span_id") {
      if (r.peek() == json::Kind::string) {
        span.span_id = normalize_id(r.string(), 8);
      } else {
        r.skip();
      }
    } else if (m == "startTimeUnixNano" || m == "start_time_unix_nano") {
      const json::Kind k = r.peek();
      if (k == json::Kind::string) {
        span.start_time = std::string(r.string());
      } else if (k == json::Kind::number) {
        span.start_time = std::string(r.number());
      } else {
        span.start_time_invalid = true;
        r.skip();
      }
    } else if (m == "attributes") {
      read_attributes(r, span.attributes, problems);
    } else {
      r.skip();
    }
  }
  finish_span(r);
}

void Converter::State::finish_span(json::Reader& r) {
  ++stats.records;
  for (std::string& p : problems) stats.warn(where(r) + ": " + p);
  problems.clear();
  switch (map_span(span, resource, event, warning)) {
    case SkipReason::not_kvonce: ++stats.not_kvonce; return;
    case SkipReason::missing_type: ++stats.missing_type; return;
    case SkipReason::missing_key: ++stats.missing_key; return;
    case SkipReason::bad_timestamp:
      ++stats.bad_timestamp;
      stats.warn(where(r) + ": " + warning + "; span skipped");
      return;
    case SkipReason::none: break;
  }
  if (!span.trace_id.empty() && !span.span_id.empty() &&
      !seen.insert(span.trace_id, span.span_id)) {
    ++stats.duplicates;
    return;
  }
  if (!resource_seen || !pending.empty()) {
    pending.push_back(event);
    return;
  }
  ++stats.events;
  sink.on_event(event.view());
}

Converter::Converter(EventSink& sink, ReadStats& stats)
    : state_(std::make_unique<State>(sink, stats)) {}
Converter::~Converter() = default;

void Converter::read(io::ByteSource& source, const io::ReadLimits& limits) {
  json::Reader reader(source, limits);
  while (reader.next_document()) state_->read_document(reader);
}

}  // namespace kvonce::otlp

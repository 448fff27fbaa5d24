#include "kvonce/otlp/reader.hpp"

#include "kvonce/json/reader.hpp"
#include "kvonce/otlp/ids.hpp"
#include "kvonce/otlp/proto_reader.hpp"
#include "kvonce/otlp/span_fields.hpp"
#include "kvonce/otlp/span_sink.hpp"
#include "kvonce/util/js_trim.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::otlp {
namespace {

bool is_scope_spans_member(std::string_view m) {
  return m == "scopeSpans" || m == "scope_spans" || m == "instrumentationLibrarySpans" ||
         m == "instrumentation_library_spans";
}

}  // namespace

struct Converter::State {
  SpanSink spans;
  std::vector<std::string> problems;
  std::uint64_t scope_index = 0;  // within the current resource

  State(EventSink& s, ReadStats& st) : spans(s, st) {}

  void read_document(json::Reader& r);
  void read_resource_spans(json::Reader& r);
  bool read_resource_member(json::Reader& r, std::string_view member);
  void read_scope_spans(json::Reader& r, std::uint64_t scope);
  void read_span(json::Reader& r, SpanFields& span);
};

// A document is a TracesData ({"resourceSpans":[...]}) or, as Java's OtlpJsonLoggingSpanExporter
// writes with its wrapper off, one bare ResourceSpans ({"resource":..,"scopeSpans":[...]}).
void Converter::State::read_document(json::Reader& r) {
  ++spans.stats().documents;
  if (r.peek() != json::Kind::object) {
    r.error("expected an OTLP JSON object such as {\"resourceSpans\":[...]}");
  }
  r.begin_object();
  bool bare = false;
  std::string_view member;
  while (r.next_member(member)) {
    if ((member == "resourceSpans" || member == "resource_spans") &&
        r.peek() == json::Kind::array) {
      r.begin_array();
      while (r.next_element()) read_resource_spans(r);
      continue;
    }
    if (!bare && (member == "resource" || is_scope_spans_member(member))) {
      bare = true;
      spans.begin_resource();
      scope_index = 0;
    }
    if (!bare || !read_resource_member(r, member)) r.skip();
  }
  if (bare) spans.end_resource();
}

void Converter::State::read_resource_spans(json::Reader& r) {
  if (r.peek() != json::Kind::object) return r.skip();
  spans.begin_resource();
  scope_index = 0;
  r.begin_object();
  std::string_view member;
  while (r.next_member(member)) {
    if (!read_resource_member(r, member)) r.skip();
  }
  spans.end_resource();
}

// Reads one member of a ResourceSpans; false when the member is not one it reads.
bool Converter::State::read_resource_member(json::Reader& r, std::string_view member) {
  if (member == "resource" && r.peek() == json::Kind::object) {
    r.begin_object();
    std::string_view m;
    while (r.next_member(m)) {
      if (m == "attributes") {
        read_attributes(r, spans.resource(), problems);
      } else {
        r.skip();
      }
    }
    spans.resource_read(r.source_name(), problems);
    return true;
  }
  if (is_scope_spans_member(member) && r.peek() == json::Kind::array) {
    r.begin_array();
    while (r.next_element()) read_scope_spans(r, scope_index++);
    return true;
  }
  return false;
}

void Converter::State::read_scope_spans(json::Reader& r, std::uint64_t scope) {
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
      if (r.peek() != json::Kind::object) {
        r.skip();
        ++span_index;
        continue;
      }
      read_span(r, spans.begin_span(scope, span_index++, r.offset()));
      spans.finish_span(r.source_name(), problems);
    }
  }
}

void Converter::State::read_span(json::Reader& r, SpanFields& span) {
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
        // A number is kept when its exact value is an integer in range, exponent or not
        // (1.76e18), as the converter's BigInt(number) kept it; a fraction stays invalid.
        const std::string_view text = r.number();
        const std::optional<std::uint64_t> ns = json_number_u64(text);
        span.start_time = ns ? std::to_string(*ns) : std::string(text);
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
}

Converter::Converter(EventSink& sink, ReadStats& stats)
    : state_(std::make_unique<State>(sink, stats)) {}
Converter::~Converter() = default;

void Converter::read(io::ByteSource& source, const io::ReadLimits& limits) {
  json::Reader reader(source, limits);
  while (reader.next_document()) state_->read_document(reader);
}

void Converter::read_protobuf(io::ByteSource& source, const io::ReadLimits& limits,
                              std::uint64_t base_offset) {
  otlp::read_protobuf(source, limits, base_offset, state_->spans);
}

}  // namespace kvonce::otlp

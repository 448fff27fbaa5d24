#include "kvonce/otlp/reader.hpp"

#include "kvonce/json/reader.hpp"
#include "kvonce/otlp/ids.hpp"
#include "kvonce/otlp/proto_reader.hpp"
#include "kvonce/otlp/span_fields.hpp"
#include "kvonce/otlp/span_sink.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/js_trim.hpp"
#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::otlp {
namespace {

bool is_resource_spans_member(std::string_view m) {
  return m == "resourceSpans" || m == "resource_spans";
}

// Text a back-end wrote into an error message, cut short: it is quoted in ours.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 200;
  return "\"" + std::string(text.substr(0, kMax)) + (text.size() > kMax ? "...\"" : "\"");
}

// The top-level members of a back-end response that are not the trace itself.
struct EnvelopeMembers {
  Envelope envelope = Envelope::none;
  bool trace_found = false;  // Tempo v2: the trace object held resourceSpans
  std::string status, message;
};

bool is_scope_spans_member(std::string_view m) {
  return m == "scopeSpans" || m == "scope_spans" || m == "instrumentationLibrarySpans" ||
         m == "instrumentation_library_spans";
}

}  // namespace

struct Converter::State {
  SpanSink spans;
  std::vector<std::string> problems;
  std::uint64_t scope_index = 0;  // within the current resource
  bool accept_partial = false;    // a Tempo v2 PARTIAL trace is read, with a warning

  State(EventSink& s, ReadStats& st) : spans(s, st) {}

  Envelope read_document(json::Reader& r);
  bool read_envelope_member(json::Reader& r, std::string_view member, EnvelopeMembers& e);
  bool read_traces_data(json::Reader& r);
  void check_tempo_v2(const std::string& where, bool trace_found, bool partial,
                      const std::string& message);
  [[noreturn]] void jaeger_error(json::Reader& r);
  void read_resource_spans(json::Reader& r);
  bool read_resource_member(json::Reader& r, std::string_view member);
  void read_scope_spans(json::Reader& r, std::uint64_t scope);
  void read_span(json::Reader& r, SpanFields& span);
};

// A document is a TracesData ({"resourceSpans":[...]}); one bare ResourceSpans
// ({"resource":..,"scopeSpans":[...]}), as Java's OtlpJsonLoggingSpanExporter writes with its
// wrapper off; or a back-end's response around TracesData (read_envelope_member).
Envelope Converter::State::read_document(json::Reader& r) {
  ++spans.stats().documents;
  if (r.peek() != json::Kind::object) {
    r.error("expected an OTLP JSON object such as {\"resourceSpans\":[...]}");
  }
  r.begin_object();
  bool bare = false;
  EnvelopeMembers envelope;
  std::string_view member;
  while (r.next_member(member)) {
    if (is_resource_spans_member(member) && r.peek() == json::Kind::array) {
      r.begin_array();
      while (r.next_element()) read_resource_spans(r);
      continue;
    }
    if (!bare && read_envelope_member(r, member, envelope)) continue;
    if (!bare && (member == "resource" || is_scope_spans_member(member))) {
      bare = true;
      spans.begin_resource();
      scope_index = 0;
    }
    if (!bare || !read_resource_member(r, member)) r.skip();
  }
  if (bare) spans.end_resource();
  if (envelope.envelope == Envelope::tempo_v2) {
    check_tempo_v2(
        r.source_name() + ": Tempo v2 response ending at byte " + std::to_string(r.offset()) + ": ",
        envelope.trace_found, envelope.status == "PARTIAL", envelope.message);
  }
  return envelope.envelope;
}

// Jaeger api/v3 {"result":{TracesData}} and {"error":{..}}; Tempo v1 {"batches":[ResourceSpans]}
// and v2 {"trace":{TracesData},"status":"COMPLETE"|"PARTIAL","message":..}. False when `member`
// is none of these.
bool Converter::State::read_envelope_member(json::Reader& r, std::string_view member,
                                            EnvelopeMembers& e) {
  const json::Kind kind = r.peek();
  if (member == "result" && kind == json::Kind::object) {
    e.envelope = Envelope::jaeger_v3;
    read_traces_data(r);
  } else if (member == "error" && kind == json::Kind::object) {
    jaeger_error(r);
  } else if (member == "batches" && kind == json::Kind::array) {
    e.envelope = Envelope::tempo_v1;
    r.begin_array();
    while (r.next_element()) read_resource_spans(r);
  } else if (member == "trace" && kind == json::Kind::object) {
    e.envelope = Envelope::tempo_v2;
    e.trace_found = read_traces_data(r) || e.trace_found;
  } else if ((member == "status" || member == "message") && kind == json::Kind::string) {
    (member == "status" ? e.status : e.message) = std::string(r.string());
  } else {
    return false;
  }
  return true;
}

// A TracesData inside an envelope (or Tempo's Trace, whose JSON names its resourceSpans
// "batches"); true when it has a resourceSpans member.
bool Converter::State::read_traces_data(json::Reader& r) {
  bool found = false;
  r.begin_object();
  std::string_view member;
  while (r.next_member(member)) {
    const bool spans_member = is_resource_spans_member(member) || member == "batches";
    if (!spans_member || r.peek() != json::Kind::array) {
      r.skip();
      continue;
    }
    found = true;
    r.begin_array();
    while (r.next_element()) read_resource_spans(r);
  }
  return found;
}

// Tempo answers an unknown id with an empty trace, and a trace it could not read whole (a size
// limit, a failed block) with status PARTIAL: verifying either as if complete would mislead.
void Converter::State::check_tempo_v2(const std::string& where, bool trace_found, bool partial,
                                      const std::string& message) {
  if (!trace_found) {
    fail(ErrorKind::input, where +
                               "the trace is empty, Tempo's answer for a trace it does not "
                               "hold (trace not found): check the trace id and time range");
  }
  if (!partial) return;
  const std::string what = "status PARTIAL: Tempo returned only part of the trace" +
                           (message.empty() ? std::string() : " (" + quoted(message) + ")");
  if (!accept_partial) {
    fail(ErrorKind::input,
         where + what + "; --accept-partial verifies the part returned, with a warning");
  }
  spans.stats().warn_partial(where + what + ", " + std::string(kPartialTraceWarning));
}

// {"error":{"grpcCode":5,"httpCode":404,"message":"...","httpStatus":"Not Found"}}
void Converter::State::jaeger_error(json::Reader& r) {
  const std::string where =
      r.source_name() + ": Jaeger API error response at byte " + std::to_string(r.offset());
  std::string code, message;
  r.begin_object();
  std::string_view member;
  while (r.next_member(member)) {
    const json::Kind kind = r.peek();
    if (member == "httpCode" && kind == json::Kind::number) {
      code = std::string(r.number());
    } else if (member == "message" && kind == json::Kind::string) {
      message = r.string();
    } else {
      r.skip();
    }
  }
  fail(ErrorKind::input, where +
                             ", not a trace: " + (code.empty() ? "" : "httpCode " + code + ", ") +
                             (message.empty() ? "no message" : quoted(message)));
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
        normalize_id(js_trim(r.string()), 16, span.trace_id);  // trimmed as the converter did
        spans.ids_read();
      } else {
        r.skip();
      }
    } else if (m == "spanId" || m == "span_id") {
      if (r.peek() == json::Kind::string) {
        normalize_id(r.string(), 8, span.span_id);
        spans.ids_read();
      } else {
        r.skip();
      }
    } else if (m == "startTimeUnixNano" || m == "start_time_unix_nano") {
      const json::Kind k = r.peek();
      if (k == json::Kind::string) {
        const std::string_view text = r.string();
        span.start_ns = parse_u64(trim(text));  // as map_span reads the text
        if (!span.start_ns) span.start_time.assign(text);
        span.has_start_time = true;
      } else if (k == json::Kind::number) {
        // A number is kept when its exact value is an integer in range, exponent or not
        // (1.76e18), as the converter's BigInt(number) kept it; a fraction stays invalid.
        const std::string_view text = r.number();
        span.start_ns = json_number_u64(text);  // a member given again replaces the first
        if (!span.start_ns) span.start_time.assign(text);
        span.has_start_time = true;
      } else {
        span.start_time_invalid = true;
        r.skip();
      }
    } else if (m == "endTimeUnixNano" || m == "end_time_unix_nano") {
      const json::Kind k = r.peek();
      if (k == json::Kind::string) {
        const std::string_view text = r.string();
        span.end_ns = parse_u64(trim(text));
        if (!span.end_ns) span.end_time.assign(text);
        span.has_end_time = true;
      } else if (k == json::Kind::number) {
        const std::string_view text = r.number();
        span.end_ns = parse_u64(trim(text));  // an integer's digits; 1.76e18 is no end
        if (!span.end_ns) span.end_time.assign(text);
        span.has_end_time = true;
      } else {
        r.skip();
      }
    } else if (m == "attributes") {
      read_attributes(r, span.attributes, problems);
    } else {
      r.skip();
    }
  }
}

const char* to_string(Envelope envelope) {
  switch (envelope) {
    case Envelope::none: return "none";
    case Envelope::jaeger_v3: return "jaeger-v3";
    case Envelope::tempo_v1: return "tempo-v1";
    case Envelope::tempo_v2: return "tempo-v2";
    case Envelope::grpc_body: return "grpc-body";
  }
  return "?";
}

const char* describe(Envelope envelope) {
  switch (envelope) {
    case Envelope::none: return "OTLP";
    case Envelope::jaeger_v3: return "Jaeger api/v3 response";
    case Envelope::tempo_v1: return "Tempo v1 response";
    case Envelope::tempo_v2: return "Tempo v2 response";
    case Envelope::grpc_body: return "gRPC request body";
  }
  return "?";
}

Converter::Converter(EventSink& sink, ReadStats& stats)
    : state_(std::make_unique<State>(sink, stats)) {}
Converter::~Converter() = default;

Envelope Converter::read(io::ByteSource& source, const io::ReadLimits& limits) {
  json::Reader reader(source, limits);
  bool first = true;
  Envelope envelope = Envelope::none;
  while (reader.next_document()) {
    const Envelope e = state_->read_document(reader);
    if (first) envelope = e;
    first = false;
  }
  return envelope;
}

void Converter::read_protobuf(io::ByteSource& source, const io::ReadLimits& limits,
                              std::uint64_t base_offset, Envelope envelope) {
  ProtoEnvelope e;
  otlp::read_protobuf(source, limits, base_offset, state_->spans,
                      envelope == Envelope::tempo_v2 ? &e : nullptr);
  if (envelope != Envelope::tempo_v2) return;
  // PartialStatus: COMPLETE = 0, PARTIAL = 1.
  state_->check_tempo_v2(source.name() + ": Tempo v2 response (protobuf TraceByIDResponse): ",
                         e.trace_found, e.status == 1, e.message);
}

void Converter::accept_partial(bool accept) {
  state_->accept_partial = accept;
}

}  // namespace kvonce::otlp

#include "kvonce/payload/detect.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "kvonce/io/compression.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/js_trim.hpp"

namespace kvonce::payload {
namespace {

constexpr std::size_t kTextCheckBytes = 512;

unsigned byte_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]);
}

bool is_space(unsigned c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::string_view without_bom(std::string_view s) {
  return s.substr(0, 3) == "\xef\xbb\xbf" ? s.substr(3) : s;
}

// JSON text starts with a JSON value after white space and holds no raw control character. The
// second test tells JSON Lines that begin with an empty line (0x0a) from protobuf, whose first
// byte is also 0x0a: protobuf's tags and lengths are control bytes within the first few bytes.
// The white space is what String.prototype.trim removes around an NDJSON line (VT, FF, U+00A0,
// U+2028, ...), and an NDJSON line may hold any JSON value (5, "x", true), as the JavaScript
// projector read them.
bool is_json_text(std::string_view head) {
  const std::string_view rest = js_trim(without_bom(head));
  if (rest.empty() ||
      std::string_view("{[\"-0123456789tfn").find(rest[0]) == std::string_view::npos) {
    return false;
  }
  for (std::size_t k = 0; k < head.size() && k < kTextCheckBytes; ++k) {
    const unsigned c = byte_at(head, k);
    if (c < 0x20 && !is_space(c) && c != '\v' && c != '\f') return false;
  }
  return true;
}

bool is_blank(std::string_view head) {
  return js_trim(head).empty();
}

// A TracesData / ExportTraceServiceRequest starts with field 1 (resource_spans), length-delimited.
bool is_protobuf(std::string_view head) {
  return !head.empty() && byte_at(head, 0) == 0x0a;
}

bool is_record_start(std::string_view record) {
  return is_json_text(record) || is_protobuf(record) ||
         io::sniff_compression(record) != io::Compression::none;
}

// The first record's message, as far as `head` holds it (the next length must not be taken for
// a control byte inside JSON text).
std::string_view first_record(std::string_view head) {
  const std::size_t length =
      byte_at(head, 0) << 24 | byte_at(head, 1) << 16 | byte_at(head, 2) << 8 | byte_at(head, 3);
  return head.substr(4, length);
}

// The Collector's records: a 4-byte big-endian length, then the message. A length below 128 MiB
// starts with a byte below 0x08, which neither JSON text nor a protobuf tag can.
bool is_length_prefixed(std::string_view head) {
  if (head.size() < 5 || byte_at(head, 0) >= 0x08) return false;
  return is_record_start(first_record(head));
}

// How a chain of length prefixes lies over the head: ending exactly at its end, running past it
// (a head cut at kDetectBytes, or a truncated input), or contradicted.
enum class Chain { exact, runs_past, broken };

std::size_t length_at(std::string_view s, std::size_t i) {
  return std::size_t{byte_at(s, i)} << 24 | byte_at(s, i + 1) << 16 | byte_at(s, i + 2) << 8 |
         byte_at(s, i + 3);
}

// gRPC's messages: a compressed flag (0 or 1), a 4-byte big-endian length, the message. The first
// one starts a record: protobuf (or empty) when plain, a gzip or zstd magic when compressed.
Chain grpc_chain(std::string_view head) {
  for (std::size_t pos = 0; pos < head.size();) {
    if (byte_at(head, pos) > 1) return Chain::broken;
    if (head.size() - pos < 5) return Chain::runs_past;
    const std::size_t length = length_at(head, pos + 1);
    if (pos == 0 && byte_at(head, 0) == 0 && length != 0 && !is_protobuf(head.substr(5))) {
      return Chain::broken;
    }
    if (length > head.size() - pos - 5) return Chain::runs_past;
    pos += 5 + length;
  }
  return Chain::exact;
}

// The Collector's records over the head: each length below 128 MiB, each message a record start.
Chain collector_chain(std::string_view head) {
  for (std::size_t pos = 0; pos < head.size();) {
    const std::string_view rest = head.substr(pos);
    if (rest.size() < 4) return Chain::runs_past;
    if (byte_at(rest, 0) >= 0x08) return Chain::broken;
    const std::string_view record = first_record(rest);
    if (!record.empty() && !is_record_start(record)) return Chain::broken;
    const std::size_t length = length_at(rest, 0);
    if (length > rest.size() - 4) return Chain::runs_past;
    pos += 4 + length;
  }
  return Chain::exact;
}

// A gRPC body: its prefixes chain exactly to the end of what is seen. A gRPC length's low byte
// comes where a Collector record's message starts, so 0x0a there looks like a protobuf record:
// the exact chain wins. A chain that runs past the end (a body longer than the head, or a
// truncated one) is gRPC only where the Collector's records are contradicted, and its first
// message, when compressed, starts with a gzip or zstd magic number.
bool is_grpc(std::string_view head) {
  if (head.size() < 5 || byte_at(head, 0) > 1) return false;
  const Chain grpc = grpc_chain(head);
  if (grpc == Chain::exact) return true;
  if (grpc == Chain::broken) return false;
  if (byte_at(head, 0) == 1 && io::sniff_compression(head.substr(5, 4)) == io::Compression::none) {
    return false;
  }
  return !is_length_prefixed(head) || collector_chain(head) == Chain::broken;
}

// ---- JSON's first value

// The member names of the first JSON value in the head: those of its top-level object (of the
// elements, for a top-level array) as "name", and those one object further in as "outer.name"
// (arrays between them looked through: {"data":[{"traceID":..}]} gives "data" and "data.traceID").
struct JsonShape {
  bool array = false;
  // More JSON follows the first value (NDJSON whose first line is not an object, which is
  // skipped as the JavaScript projector skipped it, unlike a document that is one array).
  bool more_values = false;
  std::vector<std::string> names;

  bool has(std::string_view name) const {
    return std::find(names.begin(), names.end(), name) != names.end();
  }
  template <class... Names>
  bool has_any(Names... n) const {
    return (has(n) || ...);
  }
};

constexpr std::size_t kMaxShapeNames = 256;

// The index of the quote that closes the string opening before `i`, or npos.
std::size_t string_end(std::string_view s, std::size_t i) {
  for (; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i;
    }
  }
  return std::string_view::npos;
}

std::size_t skip_space(std::string_view s, std::size_t i) {
  while (i < s.size() && is_space(byte_at(s, i))) ++i;
  return i;
}

JsonShape json_shape(std::string_view head) {
  struct Level {
    bool object;
    std::string_view key;  // the member being read, in an object
  };
  JsonShape shape;
  head = without_bom(head);
  std::vector<Level> open;
  std::size_t i = skip_space(head, 0);
  shape.array = i < head.size() && head[i] == '[';
  for (; i < head.size() && shape.names.size() < kMaxShapeNames; ++i) {
    const char c = head[i];
    if (c == '{' || c == '[') {
      open.push_back({c == '{', {}});
    } else if (c == '}' || c == ']') {
      if (open.empty()) break;
      open.pop_back();
      if (open.empty()) {  // the end of the first value
        shape.more_values = skip_space(head, i + 1) < head.size();
        break;
      }
    } else if (c == '"') {
      const std::size_t end = string_end(head, i + 1);
      if (end == std::string_view::npos) break;
      const std::string_view text = head.substr(i + 1, end - i - 1);
      i = end;
      const std::size_t after = skip_space(head, end + 1);
      if (open.empty() || !open.back().object || after >= head.size() || head[after] != ':') {
        continue;
      }
      open.back().key = text;
      std::vector<std::string_view> objects;  // keys of the enclosing objects, outermost first
      for (const Level& level : open) {
        if (level.object) objects.push_back(level.key);
      }
      if (objects.size() == 1) shape.names.emplace_back(text);
      if (objects.size() == 2)
        shape.names.push_back(std::string(objects[0]).append(".").append(text));
    }
  }
  return shape;
}

// ---- Forms that are not traces

struct Foreign {
  const char* what;
  const char* hint;
};

constexpr const char* kTraceHint =
    "kvonce-trace reads traces: export the KvOnce spans with an OTLP trace exporter";

const Foreign* foreign_json(const JsonShape& s) {
  static constexpr Foreign kZipkin = {
      "Zipkin JSON",
      "convert it with the OpenTelemetry Collector's zipkin receiver and file "
      "exporter, or export the spans over OTLP"};
  static constexpr Foreign kArray = {"a top-level JSON array",
                                     "kvonce-trace reads an OTLP/JSON object ({\"resourceSpans\":"
                                     "[...]}) or NDJSON events (one JSON object a line)"};
  static constexpr Foreign kLogs = {"OTLP logs (resourceLogs)", kTraceHint};
  static constexpr Foreign kMetrics = {"OTLP metrics (resourceMetrics)", kTraceHint};
  static constexpr Foreign kJaegerUi = {
      "Jaeger UI JSON ({\"data\":[{\"traceID\":..}]})",
      "save the trace from Jaeger's OTLP API instead: GET /api/v3/traces/<trace id>"};
  static constexpr Foreign kStdout = {
      "Go stdouttrace output",
      "export with otlptracehttp or otlptracegrpc (to a Collector with a "
      "file exporter) instead"};
  if (s.array && !s.more_values) {
    return s.has("traceId") && s.has_any("localEndpoint", "remoteEndpoint", "annotations",
                                         "binaryAnnotations", "timestamp")
               ? &kZipkin
               : &kArray;
  }
  if (s.has_any("resourceLogs", "resource_logs", "scopeLogs", "scope_logs")) return &kLogs;
  if (s.has_any("resourceMetrics", "resource_metrics", "scopeMetrics", "scope_metrics")) {
    return &kMetrics;
  }
  if (s.has_any("data.traceID", "data.processes")) return &kJaegerUi;
  if (s.has("SpanContext") && s.has_any("StartTime", "Name")) return &kStdout;
  return nullptr;
}

// NDJSON events carry type and key at the top level; a back-end's response never does.
otlp::Envelope json_envelope(const JsonShape& s) {
  if (s.has_any("type", "key")) return otlp::Envelope::none;
  if (s.has_any("result.resourceSpans", "result.resource_spans", "error.httpCode",
                "error.grpcCode")) {
    return otlp::Envelope::jaeger_v3;
  }
  if (s.has("batches")) return otlp::Envelope::tempo_v1;
  if (s.has("trace")) return otlp::Envelope::tempo_v2;
  return otlp::Envelope::none;
}

// Node's util.inspect of a ReadableSpan, as ConsoleSpanExporter prints it: an object literal
// whose keys are not quoted ("{\n  resource: {").
bool is_js_object_literal(std::string_view head) {
  head = without_bom(head);
  std::size_t i = skip_space(head, 0);
  if (i >= head.size() || head[i] != '{') return false;
  i = skip_space(head, i + 1);
  const auto ident = [&](std::size_t k) {
    const char c = head[k];
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$';
  };
  if (i >= head.size() || !ident(i)) return false;
  while (i < head.size() && (ident(i) || (head[i] >= '0' && head[i] <= '9'))) ++i;
  i = skip_space(head, i);
  return i < head.size() && head[i] == ':';
}

bool contains(std::string_view head, std::string_view text) {
  return head.find(text) != std::string_view::npos;
}

bool starts_with_bytes(std::string_view head, std::initializer_list<unsigned> bytes) {
  if (head.size() < bytes.size()) return false;
  std::size_t i = 0;
  for (const unsigned b : bytes) {
    if (byte_at(head, i++) != b) return false;
  }
  return true;
}

// Jaeger's thrift Batch (process = 1, spans = 2) bare or in an emitBatch call, in the binary
// protocol (a struct field header 0x0c 0x00 0x01; a message 0x80 0x01) or the compact one (a
// struct field 0x1c then a string field 0x18; a message 0x82, version 1).
const char* thrift_form(std::string_view head) {
  if (starts_with_bytes(head, {0x80, 0x01}) || starts_with_bytes(head, {0x0c, 0x00, 0x01, 0x0b})) {
    return "Jaeger thrift (binary protocol)";
  }
  if ((head.size() > 1 && byte_at(head, 0) == 0x82 && (byte_at(head, 1) & 0x1f) == 1) ||
      starts_with_bytes(head, {0x1c, 0x18})) {
    return "Jaeger thrift (compact protocol)";
  }
  return nullptr;
}

const Foreign* foreign_text(std::string_view head) {
  static constexpr Foreign kHtml = {
      "an HTML page",
      "the address answered with a web page (a sign-in or error page?): save "
      "the API's response, not the page"};
  static constexpr Foreign kDebug = {
      "the Collector's debug exporter text",
      "it is a log for people: write the payload with the Collector's file exporter instead"};
  static constexpr Foreign kConsole = {
      "the JavaScript SDK's ConsoleSpanExporter output",
      "export with @opentelemetry/exporter-trace-otlp-http or -proto instead"};
  const std::string_view text = without_bom(head);
  const std::size_t first = skip_space(text, 0);
  if (first < text.size() && text[first] == '<') return &kHtml;
  if (is_js_object_literal(text)) return &kConsole;
  // "ResourceSpans #0" at verbosity detailed, "ResourceTraces #0" at normal; the log line above
  // them names the signal.
  if (contains(text, "ResourceSpans #") || contains(text, "ResourceTraces #") ||
      contains(text, "\"data_type\": \"traces\"") ||
      contains(text, "\"otelcol.signal\": \"traces\"")) {
    return &kDebug;
  }
  return nullptr;
}

[[noreturn]] void refuse(const std::string& name, std::string_view what, std::string_view hint) {
  fail(ErrorKind::input, name + ": " + std::string(what) + ", not a trace kvonce-trace reads (" +
                             std::string(hint) + ")");
}

[[noreturn]] void unknown(const std::string& name, std::string_view head) {
  if (const Foreign* f = foreign_text(head)) refuse(name, f->what, f->hint);
  if (const char* thrift = thrift_form(head)) {
    refuse(name, thrift,
           "export the spans over OTLP; Jaeger's collector and the OpenTelemetry Collector's "
           "jaeger receiver convert thrift");
  }
  fail(ErrorKind::input,
       name + ": not JSON, protobuf, gzip or zstd: " + io::describe_start(without_bom(head)));
}

// ---- Protobuf

// The first field 1 of a message as far as `message` holds it, when the message starts with it
// as a length-delimited field; empty otherwise.
std::string_view first_field_1(std::string_view message) {
  if (message.empty() || byte_at(message, 0) != 0x0a) return {};
  std::uint64_t length = 0;
  std::size_t i = 1;
  for (int shift = 0; i < message.size() && shift < 64; shift += 7) {
    const unsigned b = byte_at(message, i++);
    length |= static_cast<std::uint64_t>(b & 0x7f) << shift;
    if (b < 0x80) return message.substr(i, length);
  }
  return {};
}

// Whether field 2 of the fields in `message` is length-delimited (false when absent or cut).
bool field_2_is_message(std::string_view message) {
  std::size_t i = 0;
  auto varint = [&](std::uint64_t& v) {
    v = 0;
    for (int shift = 0; i < message.size() && shift < 64; shift += 7) {
      const unsigned b = byte_at(message, i++);
      v |= static_cast<std::uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return true;
    }
    return false;
  };
  std::uint64_t tag = 0, value = 0;
  while (i < message.size() && varint(tag)) {
    const std::uint64_t field = tag >> 3, wire = tag & 7;
    if (field == 2) return wire == 2;
    if (wire == 0) {
      if (!varint(value)) return false;
    } else if (wire == 1 || wire == 5) {
      i += wire == 1 ? 8 : 4;
    } else if (wire == 2) {
      if (!varint(value) || value > message.size() - i) return false;
      i += value;
    } else {
      return false;
    }
  }
  return false;
}

// Tempo's TraceByIDResponse holds the TracesData in its field 1, so field 1 of field 1 is a
// ResourceSpans, whose field 2 (scope_spans) is a message; in OTLP it is a Resource, whose field
// 2 (dropped_attributes_count) is a varint.
bool is_trace_by_id(std::string_view head) {
  return field_2_is_message(first_field_1(first_field_1(head)));
}

}  // namespace

const char* to_string(Framing framing) {
  switch (framing) {
    case Framing::stream: return "stream";
    case Framing::length_prefixed: return "length-prefixed";
    case Framing::grpc: return "grpc";
  }
  return "?";
}

const char* to_string(Encoding encoding) {
  return encoding == Encoding::protobuf ? "protobuf" : "json";
}

Detected detect_content(std::string_view head, const std::string& name) {
  Detected d;
  if (is_blank(head)) {
    d.empty = true;
  } else if (is_json_text(head) && !is_js_object_literal(head)) {
    // Text that opens with a bare scalar is NDJSON only if it is not a known log form (the
    // debug exporter's lines open with a timestamp, which reads as the number 2025).
    const std::string_view text = without_bom(head);
    const std::size_t first = skip_space(text, 0);
    if (first < text.size() && text[first] != '{' && text[first] != '[') {
      if (const Foreign* f = foreign_text(head)) refuse(name, f->what, f->hint);
    }
    d.encoding = Encoding::json;
    const JsonShape shape = json_shape(head);
    if (const Foreign* f = foreign_json(shape)) refuse(name, f->what, f->hint);
    d.envelope = json_envelope(shape);
  } else if (is_protobuf(head)) {
    d.encoding = Encoding::protobuf;
    if (is_trace_by_id(head)) d.envelope = otlp::Envelope::tempo_v2;
  } else if (is_grpc(head)) {
    d.framing = Framing::grpc;
    d.encoding = Encoding::protobuf;
    d.envelope = otlp::Envelope::grpc_body;
  } else if (is_length_prefixed(head)) {
    d.framing = Framing::length_prefixed;
    d.encoding = is_json_text(first_record(head)) ? Encoding::json : Encoding::protobuf;
  } else {
    unknown(name, head);
  }
  return d;
}

Encoding detect_record(std::string_view record, const std::string& name) {
  if (is_json_text(record)) return Encoding::json;
  if (record.empty() || is_protobuf(record)) return Encoding::protobuf;  // empty: a message
  unknown(name, record);
}

bool looks_like_otlp_json(std::string_view head) {
  static constexpr std::array<std::string_view, 6> kMembers = {"\"resourceSpans\"",
                                                               "\"resource_spans\"",
                                                               "\"scopeSpans\"",
                                                               "\"scope_spans\"",
                                                               "\"instrumentationLibrarySpans\"",
                                                               "\"instrumentation_library_spans\""};
  for (const std::string_view m : kMembers) {
    if (head.find(m) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace kvonce::payload

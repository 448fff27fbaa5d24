// What a payload is, sniffed from its content (never from its name), layer by layer as real files
// nest them: compression (io::sniff_compression: none, gzip, zstd), then framing (a document
// stream, the Collector file exporter's length-prefixed records, or a gRPC request body's
// length-prefixed messages), then encoding (JSON text:
// OTLP/JSON with or without the resourceSpans wrapper, or NDJSON events; or OTLP protobuf), and
// the back-end envelope around OTLP (Jaeger api/v3, Tempo v1 and v2).
//
// JSON is told by its first value: its member names and those one level in. What is known not to
// be a trace is refused by name with a hint (Error(input)): OTLP logs and metrics, Zipkin and
// Jaeger UI JSON, Go's stdouttrace, a top-level array; so are, among bytes that are not JSON,
// Jaeger thrift, the Collector's debug exporter text, the JavaScript console exporter's output
// and HTML.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "kvonce/otlp/reader.hpp"

namespace kvonce::payload {

enum class Framing { stream, length_prefixed, grpc };
enum class Encoding { json, protobuf };

const char* to_string(Framing framing);    // "stream", "length-prefixed", "grpc"
const char* to_string(Encoding encoding);  // "json", "protobuf"

// Bytes of decompressed content that detection looks at.
inline constexpr std::size_t kDetectBytes = 64 * 1024;

struct Detected {
  Framing framing = Framing::stream;
  Encoding encoding = Encoding::json;
  bool empty = false;  // nothing but whitespace: no encoding to tell
  // JSON: the envelope of the first value when it is a back-end's response; protobuf: tempo_v2
  // for a Tempo TraceByIDResponse.
  otlp::Envelope envelope = otlp::Envelope::none;
};

// Detects the framing and encoding of decompressed content from its first bytes (`head`, up to
// kDetectBytes). Throws Error(input) naming `name` when the bytes are a known form that is not a
// trace ("Zipkin JSON, not OTLP: ..."), or none of the forms: "not JSON, protobuf, gzip or zstd:
// starts with 0x89 0x50 0x4e 0x47".
Detected detect_content(std::string_view head, const std::string& name);

// The encoding of one length-prefixed record (after its own decompression); throws as above.
Encoding detect_record(std::string_view record, const std::string& name);

// True when JSON text mentions the members of OTLP traces (resourceSpans, or the scopeSpans of a
// bare ResourceSpans) rather than being NDJSON events.
bool looks_like_otlp_json(std::string_view head);

}  // namespace kvonce::payload

// What a payload is, sniffed from its content (never from its name), layer by layer as real files
// nest them: compression (io::sniff_compression: none, gzip, zstd), then framing (a document
// stream, or the Collector file exporter's length-prefixed records), then encoding (JSON text:
// OTLP/JSON with or without the resourceSpans wrapper, or NDJSON events; or OTLP protobuf).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kvonce::payload {

enum class Framing { stream, length_prefixed };
enum class Encoding { json, protobuf };

const char* to_string(Framing framing);    // "stream", "length-prefixed"
const char* to_string(Encoding encoding);  // "json", "protobuf"

// Bytes of decompressed content that detection looks at.
inline constexpr std::size_t kDetectBytes = 64 * 1024;

struct Detected {
  Framing framing = Framing::stream;
  Encoding encoding = Encoding::json;
  bool empty = false;  // nothing but whitespace: no encoding to tell
};

// Detects the framing and encoding of decompressed content from its first bytes (`head`, up to
// kDetectBytes). Throws Error(input) naming `name` when the bytes are none of these: "not JSON,
// protobuf, gzip or zstd: starts with 0x89 0x50 0x4e 0x47".
Detected detect_content(std::string_view head, const std::string& name);

// The encoding of one length-prefixed record (after its own decompression); throws as above.
Encoding detect_record(std::string_view record, const std::string& name);

// True when JSON text mentions the members of OTLP traces (resourceSpans, or the scopeSpans of a
// bare ResourceSpans) rather than being NDJSON events.
bool looks_like_otlp_json(std::string_view head);

}  // namespace kvonce::payload

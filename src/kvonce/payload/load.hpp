// Loading events from payload files: open -> sniff compression -> detect framing and encoding
// (detect.hpp) -> read -> sink.
#pragma once

#include <string>
#include <vector>

#include "kvonce/event/event.hpp"
#include "kvonce/event/read_stats.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/payload/detect.hpp"

namespace kvonce::payload {

enum class Format { otlp, ndjson, autodetect };
const char* to_string(Format format);

struct InputSummary {
  std::string name;
  Format format = Format::otlp;  // as read (never autodetect)
  io::InputInfo info;            // compression and sizes
  Framing framing = Framing::stream;
  Encoding encoding = Encoding::json;  // of the first record when length-prefixed
  // The first record's own compression: zstd for the Collector's records, gzip or zstd for a
  // gRPC body's compressed messages.
  io::Compression record_compression = io::Compression::none;
  bool empty = false;         // nothing but whitespace
  std::uint64_t records = 0;  // length-prefixed records or gRPC / protobuf messages
  // A trace back-end's response around the OTLP (none: bare OTLP).
  otlp::Envelope envelope = otlp::Envelope::none;
};

// The form read, for people: "zstd 3 length-prefixed protobuf records", "gzip OTLP/JSON",
// "Tempo v2 response (OTLP protobuf)", "gRPC request body (2 OTLP protobuf messages, gzip)".
std::string describe_form(const InputSummary& input);

// The form read as a JSON object: {"compression":"zstd","framing":"length-prefixed",
// "encoding":"protobuf","records":3} (records only when length-prefixed or protobuf; "envelope"
// only for a back-end's response or a gRPC body: "jaeger-v3", "tempo-v1", "tempo-v2",
// "grpc-body"; "recordCompression" when the first record or gRPC message is compressed).
std::string form_json(const InputSummary& input);

// Why nothing became an event, after describe_read: "none with kvonce.event.type".
std::string why_no_events(const ReadStats& stats);

struct LoadResult {
  ReadStats stats;
  std::vector<InputSummary> inputs;
};

// What was read, for people: the forms of all inputs and the records found, such as
// "3 length-prefixed protobuf records, 12 spans".
std::string describe_read(const LoadResult& load);

// Reads each input in turn into one event stream. Compression, framing and encoding are sniffed
// from the content; protobuf is OTLP whatever the format (Format::ndjson rejects it). With
// Format::autodetect JSON text is OTLP when its first 64 KiB mention resourceSpans or the
// scopeSpans of a bare ResourceSpans, or its first value is a back-end's response (detect.hpp),
// NDJSON events otherwise; a framed record is always OTLP. A Tempo v2 PARTIAL trace is refused
// unless `accept_partial` (then read with a warning). Throws kvonce::Error on unreadable or
// malformed input, and on a known form that is not a trace.
LoadResult load_events(std::vector<std::unique_ptr<io::ByteSource>> inputs, Format format,
                       const io::ReadLimits& limits, EventSink& sink, bool accept_partial = false);

// Convenience: opens files by path ("-" is standard input).
LoadResult load_files(const std::vector<std::string>& paths, Format format,
                      const io::ReadLimits& limits, EventSink& sink, bool accept_partial = false);

}  // namespace kvonce::payload

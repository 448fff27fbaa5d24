// OTLP trace payloads (JSON, and protobuf through proto_reader) -> KvOnce events.
//
// Reads ExportTraceServiceRequest / TracesData documents ({"resourceSpans":[...]}), one or many
// back to back (JSON Lines, concatenated Collector objects), or bare ResourceSpans objects
// ({"resource":..,"scopeSpans":[...]}, one per line or pretty), and pushes one event per KvOnce
// span to an EventSink as it goes. Liberal in what it accepts, like the Collector's own reader:
// snake_case member names, the pre-1.0 instrumentationLibrarySpans, ids in hex or base64,
// unknown members ignored. A span exported twice (same traceId and spanId) yields one event.
//
// The trace back-ends' responses hold the same documents in an envelope (see Envelope): Jaeger's
// api/v3 {"result":{TracesData}} (one or several back to back), Tempo's v1 {"batches":[...]} and
// Tempo's v2 {"trace":{TracesData},"status":..} (in protobuf its TraceByIDResponse, the trace in
// field 1). Their refusals are errors by name: Tempo's "not found" ({"trace":{}}), a Tempo v2
// PARTIAL trace unless accepted, and Jaeger's {"error":{"httpCode":..}}.
#pragma once

#include <memory>
#include <string_view>

#include "kvonce/event/event.hpp"
#include "kvonce/event/read_stats.hpp"
#include "kvonce/io/byte_source.hpp"

namespace kvonce::otlp {

// The back-end response a trace came in, or the gRPC request body it was sent in; none: bare
// OTLP.
enum class Envelope { none, jaeger_v3, tempo_v1, tempo_v2, grpc_body };
const char* to_string(Envelope envelope);  // "jaeger-v3", "tempo-v1", "tempo-v2", "grpc-body"
const char* describe(Envelope envelope);   // "Jaeger api/v3 response", ...

// Ends the warning of a Tempo v2 PARTIAL trace read under --accept-partial; reports find the
// warning in a validation document by it.
inline constexpr std::string_view kPartialTraceWarning =
    "read with --accept-partial: events may be missing";

class Converter {
 public:
  Converter(EventSink& sink, ReadStats& stats);
  ~Converter();
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  // Reads every document of one (already decompressed) source. Throws Error(input) naming the
  // source, byte offset and line on malformed JSON. May be called for several sources: events,
  // span de-duplication and resource numbering continue across them.
  // Returns the envelope of the source's first document. A Tempo v2 response whose status is
  // PARTIAL is Error(input) unless accept_partial(), then a warning.
  Envelope read(io::ByteSource& source, const io::ReadLimits& limits);

  // Reads one OTLP protobuf TracesData / ExportTraceServiceRequest (see proto_reader.hpp) into
  // the same stream: the same mapping, de-duplication, numbering and warnings. `base_offset` is
  // added to byte offsets in messages (the message's place in a framed file).
  // With Envelope::tempo_v2 the message is a Tempo TraceByIDResponse (the trace in field 1).
  void read_protobuf(io::ByteSource& source, const io::ReadLimits& limits,
                     std::uint64_t base_offset = 0, Envelope envelope = Envelope::none);

  // Reads a Tempo v2 PARTIAL trace with a warning instead of refusing it.
  void accept_partial(bool accept);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kvonce::otlp

// OTLP trace payloads (JSON, and protobuf through proto_reader) -> KvOnce events.
//
// Reads ExportTraceServiceRequest / TracesData documents ({"resourceSpans":[...]}), one or many
// back to back (JSON Lines, concatenated Collector objects), or bare ResourceSpans objects
// ({"resource":..,"scopeSpans":[...]}, one per line or pretty), and pushes one event per KvOnce
// span to an EventSink as it goes. Liberal in what it accepts, like the Collector's own reader:
// snake_case member names, the pre-1.0 instrumentationLibrarySpans, ids in hex or base64,
// unknown members ignored. A span exported twice (same traceId and spanId) yields one event.
#pragma once

#include <memory>

#include "kvonce/event/event.hpp"
#include "kvonce/event/read_stats.hpp"
#include "kvonce/io/byte_source.hpp"

namespace kvonce::otlp {

class Converter {
 public:
  Converter(EventSink& sink, ReadStats& stats);
  ~Converter();
  Converter(const Converter&) = delete;
  Converter& operator=(const Converter&) = delete;

  // Reads every document of one (already decompressed) source. Throws Error(input) naming the
  // source, byte offset and line on malformed JSON. May be called for several sources: events,
  // span de-duplication and resource numbering continue across them.
  void read(io::ByteSource& source, const io::ReadLimits& limits);

  // Reads one OTLP protobuf TracesData / ExportTraceServiceRequest (see proto_reader.hpp) into
  // the same stream: the same mapping, de-duplication, numbering and warnings. `base_offset` is
  // added to byte offsets in messages (the message's place in a framed file).
  void read_protobuf(io::ByteSource& source, const io::ReadLimits& limits,
                     std::uint64_t base_offset = 0);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace kvonce::otlp

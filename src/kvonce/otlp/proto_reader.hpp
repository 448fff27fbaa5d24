// OTLP protobuf trace payloads -> spans.
//
// Walks the wire format of a TracesData / ExportTraceServiceRequest (the same layout: field 1,
// repeated ResourceSpans) field by field over one buffer of the source's bytes (varints and fixed
// fields decoded by hand, unknown fields skipped by their length): nothing holds a message object
// of the payload, and a message may be longer than the buffer. Field numbers follow
// opentelemetry-proto v1.x (trace/v1/trace.proto, common/v1/common.proto,
// resource/v1/resource.proto, checked against v1.11.0), including the pre-1.0
// instrumentation_library_spans (field 1000 of ResourceSpans). Unknown fields of every wire type
// are skipped, as a protobuf parser does; so is a known field with an unexpected wire type. Errors
// (input) name the byte offset and the field path, such as
// resource_spans[3].scope_spans[0].spans[12].attributes.
//
// OTLP logs and metrics share the layout down to ScopeLogs / ScopeMetrics, and proto3 leaves
// default fields out, so a message can only be told from a Span by its fields: a field whose wire
// type contradicts Span's and matches LogRecord's or Metric's refuses the input by name
// (Error(input), "OTLP logs, not traces"), wherever in the payload it comes. A message without
// one is read as a span; without a span's fixed64 start time it yields no event.
#pragma once

#include <cstdint>
#include <string>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/otlp/span_sink.hpp"

namespace kvonce::otlp {

// What a Tempo TraceByIDResponse says besides its trace (tempopb: trace = 1, metrics = 2,
// status = 3, message = 4).
struct ProtoEnvelope {
  bool trace_found = false;  // field 1 held at least one ResourceSpans
  std::uint64_t status = 0;  // PartialStatus: COMPLETE = 0, PARTIAL = 1
  std::string message;
};

// Reads the whole source as one protobuf message (concatenated messages merge, as in protobuf).
// Strings and bytes longer than limits.max_string_bytes are Error(limit). With `envelope` the
// message is a TraceByIDResponse whose field 1 holds the TracesData, and `envelope` is filled.
void read_protobuf(io::ByteSource& source, const io::ReadLimits& limits, std::uint64_t base_offset,
                   SpanSink& spans, ProtoEnvelope* envelope = nullptr);

}  // namespace kvonce::otlp

// OTLP protobuf trace payloads -> spans (proto_reader.cpp is the only file that includes protobuf
// headers).
//
// Walks the wire format of a TracesData / ExportTraceServiceRequest (the same layout: field 1,
// repeated ResourceSpans) field by field with protobuf's CodedInputStream, one ResourceSpans at a
// time: nothing holds a message object of the payload. Field numbers follow opentelemetry-proto
// v1.x (trace/v1/trace.proto, common/v1/common.proto, resource/v1/resource.proto, checked against
// v1.11.0), including the pre-1.0 instrumentation_library_spans (field 1000 of ResourceSpans).
// Unknown fields of every wire type are skipped, as a protobuf parser does; so is a known field
// with an unexpected wire type. Errors (input) name the byte offset and the field path, such as
// resource_spans[3].scope_spans[0].spans[12].attributes.
#pragma once

#include <cstdint>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/otlp/span_sink.hpp"

namespace kvonce::otlp {

// Reads the whole source as one protobuf message (concatenated messages merge, as in protobuf).
// Strings and bytes longer than limits.max_string_bytes are Error(limit).
void read_protobuf(io::ByteSource& source, const io::ReadLimits& limits, std::uint64_t base_offset,
                   SpanSink& spans);

}  // namespace kvonce::otlp

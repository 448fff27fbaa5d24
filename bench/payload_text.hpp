// OTLP/JSON text of generated spans and documents, shaped like the Collector's file exporter
// output: compact JSON, ids in hex, times as decimal strings, ~650-byte spans with ~10
// attributes (http.*, net.*, kvonce.event.*) and the context as a kvlistValue.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "payload_plan.hpp"

namespace kvonce::bench {

struct SpanText {
  std::uint64_t salt = 0;        // from the seed: ids and values differ from seed to seed
  std::uint64_t key_digits = 6;  // keys are "key-" + zero-padded number, so all have one width
};

// Appends one span object for `event`, span number `index`, started at `start_ns`.
void append_span(std::string& out, const SpanText& style, const PlannedEvent& event,
                 std::uint64_t index, std::uint64_t start_ns);

// Appends the text before the first span of a resourceSpans element (resource `resource`) and
// the text closing it.
void append_resource_open(std::string& out, std::uint64_t resource);
void append_resource_close(std::string& out);

// OTLP protobuf twins of the above (field numbers of opentelemetry-proto v1.11.0): the same ids,
// times and attributes. append_span_proto appends a Span message's fields; append_resource_proto
// appends one TracesData field 1 (a ResourceSpans) around `spans`, a sequence of Span fields
// already framed as ScopeSpans field 2.
void append_span_proto(std::string& out, const SpanText& style, const PlannedEvent& event,
                       std::uint64_t index, std::uint64_t start_ns);
void append_resource_proto(std::string& out, std::uint64_t resource, std::string_view spans);
// Appends field `field` as a length-delimited field holding `payload`.
void append_len_field(std::string& out, int field, std::string_view payload);

// Appends `value` as `digits` lower-case hex digits.
void append_hex(std::string& out, std::uint64_t value, int digits);

}  // namespace kvonce::bench

// Trace and span identifiers as OTLP/JSON carries them: lower-case hex per the OTLP spec, but
// exporters built on generic protobuf JSON write base64. Both normalise to lower-case hex.
//
// Both functions write into a string the caller reuses (one per span field): a 32-character id
// is past the short-string buffer, and a fresh string per span was an allocation per span.
#pragma once

#include <string>
#include <string_view>

namespace kvonce::otlp {

// Normalises an identifier of `bytes` bytes (16 for a trace, 8 for a span) into `out`: hex in any
// case or base64 become lower-case hex; all-zero (invalid in OpenTelemetry) or blank becomes
// empty; any other non-blank text is kept trimmed, so nothing the exporter wrote is lost. `text`
// must not point into `out`.
void normalize_id(std::string_view text, std::size_t bytes, std::string& out);

// An identifier as OTLP protobuf carries it (raw bytes) into `out`: lower-case hex; all-zero or
// empty becomes empty, as in normalize_id.
void id_from_bytes(std::string_view raw, std::string& out);

}  // namespace kvonce::otlp

// NDJSON events (the format `prepare` writes) -> KvOnce events.
//
// One JSON object per line with the contract's fields (traceId, timestamp, actor, event, type,
// key, value, reason, context). CRLF line ends, blank and whitespace-only lines are fine. A line
// that is not exactly one JSON object is an input error naming the line: nothing is judged from a
// corrupt file. Objects without type or key, or without a valid ISO 8601 timestamp, are skipped
// and counted, as the OTLP reader does for spans.
#pragma once

#include "kvonce/event/event.hpp"
#include "kvonce/event/read_stats.hpp"
#include "kvonce/io/byte_source.hpp"

namespace kvonce::ndjson {

void read_events(io::ByteSource& source, const io::ReadLimits& limits, EventSink& sink,
                 ReadStats& stats);

}  // namespace kvonce::ndjson

// NDJSON events (the format `prepare` writes) -> KvOnce events.
//
// One JSON object per line with the contract's fields (traceId, timestamp, actor, event, type,
// key, value, reason, context). CRLF line ends, blank and whitespace-only lines are fine; a line
// is trimmed of the white space String.prototype.trim removes (U+00A0, U+2028, VT, ...), as the
// replaced projector trimmed it. A line that is not exactly one JSON value is an input error
// naming the line: nothing is judged from a corrupt file. A JSON value that is no object (5,
// "x", [1], null) names no type and no key: it is skipped and counted as {} is.
//
// A type and a key are exactly what the line holds: strings are not trimmed, other JSON values
// keep their form (FieldForm::json), null and absent are FieldForm::missing. Every object with a
// type or a key is an event, so the rules decide what an odd one means (the replaced pipeline
// kept them all); only objects with neither are skipped and counted as not KvOnce. An object
// without a valid ISO 8601 timestamp is an untimed event.
#pragma once

#include "kvonce/event/event.hpp"
#include "kvonce/event/read_stats.hpp"
#include "kvonce/io/byte_source.hpp"

namespace kvonce::ndjson {

void read_events(io::ByteSource& source, const io::ReadLimits& limits, EventSink& sink,
                 ReadStats& stats);

}  // namespace kvonce::ndjson

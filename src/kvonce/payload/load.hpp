// Loading events from payload files: open -> sniff gzip -> sniff format -> read -> sink.
#pragma once

#include <string>
#include <vector>

#include "kvonce/event/event.hpp"
#include "kvonce/event/read_stats.hpp"
#include "kvonce/io/byte_source.hpp"

namespace kvonce::payload {

enum class Format { otlp, ndjson, autodetect };
const char* to_string(Format format);

struct InputSummary {
  std::string name;
  Format format = Format::otlp;  // as read (never autodetect)
  io::InputInfo info;
};

struct LoadResult {
  ReadStats stats;
  std::vector<InputSummary> inputs;
};

// Reads each input in turn into one event stream. With Format::autodetect each input is sniffed
// after decompression: OTLP when its first 64 KiB mention resourceSpans, NDJSON otherwise.
// Throws kvonce::Error on unreadable or malformed input.
LoadResult load_events(std::vector<std::unique_ptr<io::ByteSource>> inputs, Format format,
                       const io::ReadLimits& limits, EventSink& sink);

// Convenience: opens files by path ("-" is standard input).
LoadResult load_files(const std::vector<std::string>& paths, Format format,
                      const io::ReadLimits& limits, EventSink& sink);

}  // namespace kvonce::payload

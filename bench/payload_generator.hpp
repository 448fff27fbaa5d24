// Deterministic OTLP/JSON benchmark payloads: the same options give the same bytes.
//
// Spans are grouped in batches of `spans_per_document`, one resourceSpans element each. As JSON
// Lines every batch is a whole document on its own line (the Collector's file exporter);
// otherwise all batches form one document. Timestamps increase from span to span.
#pragma once

#include <cstdint>

#include "payload_sink.hpp"

namespace kvonce::bench {

struct GenOptions {
  std::uint64_t spans = 1000;
  std::uint64_t keys = 100;  // 1 <= keys <= spans
  std::uint64_t seed = 1;
  double invalid_rate = 0;  // fraction of keys given a violation, in [0, 1]
  bool jsonl = false;
  std::uint64_t spans_per_document = 512;
  bool proto = false;  // OTLP protobuf (one TracesData, a ResourceSpans per batch) instead of JSON
};

struct GenSummary {
  std::uint64_t spans = 0, keys = 0, invalid_keys = 0, documents = 0;
  std::uint64_t bytes = 0;  // uncompressed
};

// Writes the payload into `sink` (finish() is the caller's). Throws Error(usage) on options
// that cannot describe a payload.
GenSummary generate(const GenOptions& options, ByteSink& sink);

// The number of spans that makes a payload of about `bytes` bytes with these options
// (measured on a sample, so within a percent or so).
std::uint64_t spans_for_bytes(const GenOptions& options, std::uint64_t bytes);

}  // namespace kvonce::bench

// The trace directory: every file name of the output contract, defined once. Downstream
// consumers of the JavaScript pipeline this tool replaces read these names; fetch, verify, run
// and report all write or read them from here.
//
//   <trace dir>/kvonce-payload-metadata.json      what the payload was and where it came from
//   <trace dir>/kvonce-pr-comment.md              the PR comment `run` writes
//   <trace dir>/payload/                          a payload `run` fetched
//       kvonce-otlp-received.binpb                what `receive` received (Collector records)
//   <trace dir>/<mode>/                           one directory per mode: otlp, ndjson
//       kvonce-events.ndjson
//       kvonce-projection.json
//       projected/kvonce-state-sequence.json
//       kvonce-validation.json
#pragma once

#include <array>

namespace kvonce::trace_dir {

inline constexpr const char* kDefault = "artifacts/hermetic-reports/trace";

inline constexpr const char* kMetadataFile = "kvonce-payload-metadata.json";
inline constexpr const char* kPrCommentFile = "kvonce-pr-comment.md";
inline constexpr const char* kPayloadDir = "payload";
// In kPayloadDir: the request bodies `receive` accepted, decompressed, as the Collector file
// exporter's length-prefixed records (each OTLP protobuf or OTLP/JSON, as its exporter sent it).
inline constexpr const char* kReceivedFile = "kvonce-otlp-received.binpb";

// The mode directories, in the order reports show them.
inline constexpr std::array<const char*, 2> kModes{"otlp", "ndjson"};

// Inside a mode directory (verify's --output-dir).
inline constexpr const char* kEventsFile = "kvonce-events.ndjson";
inline constexpr const char* kProjectionFile = "kvonce-projection.json";
inline constexpr const char* kStateSequenceFile = "projected/kvonce-state-sequence.json";
inline constexpr const char* kValidationFile = "kvonce-validation.json";
// The files of a mode directory, in the order one run commits them as a set (the validation,
// which records the others' digests, last).
inline constexpr std::array<const char*, 4> kModeFiles{kEventsFile, kStateSequenceFile,
                                                       kProjectionFile, kValidationFile};

}  // namespace kvonce::trace_dir

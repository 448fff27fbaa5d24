// `report --metadata-for FILE`: payload metadata for a payload that did not come through `fetch`
// (the embedded sample, a file produced by an earlier step), written beside the mode directories.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>

namespace kvonce::report {

struct MetadataRequest {
  std::string file;           // the payload, as stored (gzip or not)
  std::string source_type;    // explicit, env-file, artifact, url, s3, gcs or sample
  std::string source_detail;  // where it came from; redacted before it is written
};

// Hashes `file` (SHA-256 of the bytes as stored), measures it (and its inflated size when it is
// gzip), takes the event count from <trace_dir>/otlp/kvonce-validation.json when present, and
// writes <trace_dir>/kvonce-payload-metadata.json atomically. Error(usage) for an unknown source
// type, Error(input) for an unreadable file, Error(output) when the file cannot be written.
// `now` is its fetchedAt.
void write_metadata_for(const MetadataRequest& request, const std::filesystem::path& trace_dir,
                        std::chrono::system_clock::time_point now);

}  // namespace kvonce::report

// kvonce-payload-metadata.json: where the payload came from and what it is.
//
// Written by `fetch`, and by `report --metadata-for` and `run` for payloads they are handed.
// Fields (in this order): sourceType, sourceDetail, sha256, sizeBytes, fetchedAt,
// contentEncoding, attempts, then decompressedBytes and eventCount when known, objects (one entry
// per object of a prefix fetch), generatedAt and tool {name, version}. sourceDetail is always
// redacted (no userinfo, signature or token); the writer redacts URLs itself as a last guard.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/util/output_dir.hpp"

namespace kvonce::fetch {

// sourceType values (the old job's, plus gcs and receive).
inline constexpr const char* kSourceExplicit = "explicit";
inline constexpr const char* kSourceEnvFile = "env-file";
inline constexpr const char* kSourceArtifact = "artifact";
inline constexpr const char* kSourceUrl = "url";
inline constexpr const char* kSourceSample = "sample";
// What `receive` captured from OTLP exporters (its sourceDetail names the listeners).
inline constexpr const char* kSourceReceive = "receive";

// Every source type: the ones above, then each object store's (cloud/object_store.hpp).
std::vector<std::string> source_types();
bool is_source_type(std::string_view type);

struct ObjectMetadata {  // one object of a prefix fetch
  std::string source_detail;
  std::string path;  // where it was saved
  std::string sha256;
  std::uint64_t size_bytes = 0;
  std::string content_encoding;
  int attempts = 0;
};

struct PayloadMetadata {
  std::string source_type;
  std::string source_detail;
  std::string sha256;  // "" for a prefix fetch (see objects)
  std::uint64_t size_bytes = 0;
  std::string fetched_at;                     // ISO 8601 UTC; empty = the time written
  std::string content_encoding = "identity";  // "gzip" when stored or declared gzip
  int attempts = 1;
  std::optional<std::uint64_t> decompressed_bytes;
  std::optional<std::uint64_t> event_count;
  std::vector<ObjectMetadata> objects;
};

// The JSON document (2-space indented, trailing newline); `now` is the fetchedAt of metadata
// that has none.
std::string metadata_json(const PayloadMetadata& metadata,
                          std::chrono::system_clock::time_point now);

// Writes it atomically (a path the user named, its directory created; or a name the tool chose in
// an output directory, never through a link); Error(output) when that fails.
void write_metadata(const OutputPath& path, const PayloadMetadata& metadata,
                    std::chrono::system_clock::time_point now);

// The default place: kvonce-payload-metadata.json in the target's directory.
std::filesystem::path default_metadata_path(const std::filesystem::path& target);

// "gzip" or "zstd" when the file starts with their magic bytes (io::sniff_compression), else
// "identity" (also when unreadable).
std::string sniff_content_encoding(const std::filesystem::path& file);

// Metadata for a local file the caller already has (report --metadata-for, run -i): hashes it
// and sniffs gzip. Error(input) when it cannot be read.
PayloadMetadata describe_local_file(const std::filesystem::path& file, std::string source_type,
                                    std::string source_detail);
// The same without reading the file through: the caller reads it once anyway, and sets sha256
// and size_bytes from that pass (io::HashedInput). Error(input) when it cannot be opened.
PayloadMetadata describe_local_file_unhashed(const std::filesystem::path& file,
                                             std::string source_type, std::string source_detail);

}  // namespace kvonce::fetch

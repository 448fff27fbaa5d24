// What `prepare -o FILE` records beside FILE, in FILE.kvonce-source.json: the payload it read,
// the SHA-256 of FILE as written, and the order and masking that decided FILE's bytes. Nothing
// can go inside the NDJSON itself (the old pipeline's projector counts every line as an event),
// so the record is a file of its own. A `verify` of FILE copies it into its output set
// ("derivedFrom") when its outputSha256 is FILE's digest, and `report` then takes that NDJSON
// verification as one of the payload's. The record proves consistency, not authorship: anyone
// who can write both files can write a matching pair.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace kvonce::output {

inline constexpr const char* kSourceRecordSuffix = ".kvonce-source.json";

struct MaskingRecord {
  bool values = false;
  std::vector<std::string> context_members;
  std::optional<std::string> key_env;  // the variable's name, never the key
};

struct SourceRecord {
  std::string payload_sha256;              // "" when the payload was several files
  std::vector<std::string> input_sha256s;  // one per input file, in reading order
  std::string output_sha256;               // of the NDJSON file as written
  std::string order;                       // "time" or "input"
  MaskingRecord masking;
  // prepare --accept-partial: the warnings of a partial trace read, which the NDJSON cannot carry;
  // a verify of FILE repeats them. Empty (and not written) for a whole trace.
  std::vector<std::string> partial;
};

// FILE.kvonce-source.json for FILE.
std::filesystem::path source_record_path(const std::filesystem::path& output);

// The record as one JSON object (no newline).
void append_source_record(std::string& out, const SourceRecord& record);

// The record beside `output`; none when there is no regular file there, or when it is not a
// record (too large, not JSON, a member of the wrong type): such a file ties FILE to nothing.
std::optional<SourceRecord> read_source_record(const std::filesystem::path& output);

}  // namespace kvonce::output

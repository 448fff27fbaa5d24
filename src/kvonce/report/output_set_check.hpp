// Whether a trace directory holds one run's outputs. fetch, verify and report may run as
// separate processes, and a run that failed half-way may leave files of an earlier run beside
// its own; kvonce-validation.json records the SHA-256 of the payload and of every file written
// with it (output/output_set.hpp), so the report compares contents, not timestamps.
//
// An ndjson mode belongs to the otlp mode's payload when it verified that payload itself (run),
// the otlp set's own kvonce-events.ndjson (its payloadSha256 is the digest the otlp set records
// for that file), or a file `prepare` wrote from that payload (its set's "derivedFrom", whose
// outputSha256 is the set's payloadSha256). A record proves that files agree with each other,
// not who wrote them: anyone who can write the directory can write a consistent set.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/output/source_record.hpp"
#include "kvonce/report/model.hpp"

namespace kvonce::report {

// The "outputSet" member of a kvonce-validation.json.
struct SetRecord {
  std::string payload_sha256;
  std::vector<std::string> input_sha256s;
  std::map<std::string, std::string> files;  // name -> sha256
  std::optional<output::SourceRecord> derived_from;
};

// The record of a validation file; none when the file has no "outputSet" member. Error(input)
// when the file cannot be read or the member is malformed.
std::optional<SetRecord> read_set_record(const std::filesystem::path& validation);

// The payload an ndjson set's events were taken from, as far as the records prove it: the otlp
// set's payload when the ndjson set verified the otlp set's events file, the payload of its
// "derivedFrom" when that record describes the file it verified, else its own payload.
std::string ndjson_source_sha256(const SetRecord& ndjson, const std::optional<SetRecord>& otlp);

// Error(input) naming the first disagreement: a file of a mode's set that is missing, changed or
// left over from another run, a mode whose payload is not the metadata's, or two modes that
// verified different payloads. A validation without a record (written by the pipeline this tool
// replaced, or by anyone) is refused too, unless `accept_unrecorded`: then its mode is marked
// `unchecked` in `report`.
void check_output_sets(const std::filesystem::path& trace_dir, Report& report,
                       bool accept_unrecorded);

}  // namespace kvonce::report

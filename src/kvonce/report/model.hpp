// The report model: what `verify` left in a trace directory, per mode, plus the payload metadata.
//
// The model is plain data read once (load.hpp) and handed to every writer (Step Summary, PR
// comment, Check Run, GitHub outputs), so each writer decides only how to present it. Issues are
// kept up to a bound (ModeResult::issues) while issue_count counts them all: a trace with a
// million issues must not cost a million entries in memory to be summarised.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/report/trace_link.hpp"

namespace kvonce::report {

// valid / invalid: kvonce-validation.json says so. missing: the mode directory does not exist.
// error: the directory exists but its results cannot be read (ModeResult::error says why).
enum class ModeStatus { valid, invalid, missing, error };
const char* to_string(ModeStatus status);

// One event of an issue's history ("history" in kvonce-validation.json), as written there.
struct HistoryEntry {
  std::optional<std::uint64_t> event_index;
  std::string timestamp;                     // "" when null
  std::string type;                          // "" when null
  std::string attempts;                      // as JSON text; "" when null
  std::optional<std::string> value, reason;  // JSON text, possibly cut
  std::string trace_id;
  std::string span_id = {};  // "" when absent
  std::string end = {};      // the span's end (ISO 8601); "" when it had none
};

struct IssueEntry {
  std::string key;
  std::string type;
  std::string message;
  std::string timestamp;                   // as written (ISO 8601); "" when absent
  std::string trace_id;                    // "" when absent
  std::string span_id = {};                // "" when absent
  std::vector<HistoryEntry> history = {};  // oldest first; empty for files without one
};

struct ModeResult {
  std::string mode;  // "otlp" or "ndjson": the directory name
  ModeStatus status = ModeStatus::missing;
  std::string error;                    // status == error: what is wrong and where
  std::optional<std::uint64_t> events;  // unknown when neither file says
  std::optional<std::uint64_t> keys;
  std::uint64_t issue_count = 0;      // every issue in the file
  std::vector<IssueEntry> issues;     // the first ones, in file order
  std::vector<std::string> warnings;  // the first few of the file's warnings
  // Read with --accept-unrecorded from a validation without an "outputSet" record: nothing ties
  // its verdict to the payload or to the files beside it.
  bool unchecked = false;

  bool present() const { return status != ModeStatus::missing; }
};

// kvonce-payload-metadata.json, as far as the report shows it.
struct PayloadSummary {
  bool present = false;  // the file exists
  std::string source_type;
  std::string source_detail;  // redacted as read (net::redact_source)
  std::string sha256;
  std::optional<std::uint64_t> size_bytes;
  std::string error;  // the file exists but cannot be read
};

struct Report {
  PayloadSummary payload;
  std::vector<ModeResult> modes;  // otlp, then ndjson
  // Not read from the directory: the --trace-link / KVONCE_TRACE_LINK of the report run.
  std::optional<TraceLinkTemplate> trace_link;
};

// valid: every present mode is valid (and one is present). invalid: a mode is invalid or could
// not be read. missing: no mode directory exists.
enum class Overall { valid, invalid, missing };
Overall overall(const Report& report);
const char* to_string(Overall overall);

// The mode names, in the order the report shows them.

}  // namespace kvonce::report

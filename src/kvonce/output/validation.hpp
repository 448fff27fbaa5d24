// kvonce-validation.json: the verdict, its issues, and what the reader had to skip.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "kvonce/event/read_stats.hpp"
#include "kvonce/output/output_set.hpp"
#include "kvonce/rules/verify.hpp"

namespace kvonce::output {

struct ValidationInfo {
  rules::VerifyOptions options;
  std::string input_format;  // "otlp" or "ndjson"
  std::string order;         // "realtime", "time" or "input"
  std::uint64_t events = 0;
  std::uint64_t keys = 0;
  std::string inputs_json;  // "input": the form of each input as read (a JSON array), if set
  // The judged events: with them each issue is written with its "history" (rules/history.hpp).
  const EventStore* history_events = nullptr;
};

// Readable warnings: partial traces read (partial_warnings), skipped records by reason, then the
// reader's first located warnings.
std::vector<std::string> describe_warnings(const ReadStats& stats);
// The warnings of back-end responses read although partial (--accept-partial), first ones first:
// what run's ndjson mode, batch's results and explain carry, since every verdict on such a payload
// is of the part returned.
std::vector<std::string> partial_warnings(const ReadStats& stats);

// One issue as the validation document writes it; with `history`, the events of its history.
void append_issue_json(std::string& out, const rules::Issue& issue, const EventStore* history,
                       rules::Profile profile);

// Appends the validation document as JSON text, generated at `generated_at`; with `set`, its
// record of the files finished.
void append_validation_json(std::string& out, const rules::VerifyResult& result,
                            const ValidationInfo& info, const std::vector<std::string>& warnings,
                            std::chrono::system_clock::time_point generated_at,
                            const OutputSet* set = nullptr);

// Writes it as `name` of the set (finished, not committed); returns the text written.
std::string write_validation(OutputSet& set, const std::string& name,
                             const rules::VerifyResult& result, const ValidationInfo& info,
                             const std::vector<std::string>& warnings,
                             std::chrono::system_clock::time_point generated_at);

}  // namespace kvonce::output

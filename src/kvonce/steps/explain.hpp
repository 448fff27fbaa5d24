// The `explain` step: the whole timeline of one key, each event with the key's state after it and
// the issues it first raised, judged as `verify` judges (the same rules, run on that key's events
// alone, so the messages are verify's own words).
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/payload/load.hpp"
#include "kvonce/privacy/masking.hpp"
#include "kvonce/rules/history.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/steps/prepare.hpp"

namespace kvonce::steps {

struct ExplainOptions {
  std::string key;
  std::vector<std::string> inputs;  // payloads, as verify reads them
  // Or a directory verify or run wrote: its kvonce-events.ndjson, else the one under otlp/, else
  // the one under ndjson/.
  std::optional<std::filesystem::path> trace_dir;
  payload::Format format = payload::Format::autodetect;
  bool accept_partial = false;  // read a Tempo v2 PARTIAL trace, with a warning
  // --trace-dir: the partial-trace warnings its kvonce-validation.json records.
  std::vector<std::string> recorded_warnings;
  Order order = Order::time;
  rules::VerifyOptions rules;
  io::ReadLimits limits;
  privacy::MaskOptions mask;
  // The validation file the profile, MAX_RETRIES or order came from, when one did.
  std::filesystem::path judging_recorded_in;
};

// The key's store state after an event, as the projection replays it.
struct KeyStateAfter {
  bool written = false;
  std::uint64_t retries = 0, failures = 0;
};

struct ExplainStep {
  rules::HistoryEvent event;        // index: in the verification order of all events
  KeyStateAfter state;              // after this event
  std::vector<std::size_t> raised;  // the issues (ExplainOutcome::issues) located at this event
};

struct ExplainOutcome {
  std::string key;
  std::uint64_t events = 0;  // all events read
  std::vector<ExplainStep> steps;
  std::vector<rules::Issue> issues;  // verify's issues for this key; eventIndex as verify's
  // A partial trace read (recorded, or read now with --accept-partial): the key's timeline may
  // lack events. The read's other warnings (records skipped) are verify's to show.
  std::vector<std::string> warnings;

  bool found() const { return !steps.empty(); }
  bool valid() const { return found() && issues.empty(); }
};

ExplainOutcome explain(const ExplainOptions& options);

// The file `--trace-dir` reads; Error(input) when there is none.
std::filesystem::path trace_dir_events(const std::filesystem::path& dir);

// For people (every piece of trace text escaped) and for scripts.
std::string explain_text(const ExplainOutcome& outcome, const ExplainOptions& options);
std::string explain_json(const ExplainOutcome& outcome, const ExplainOptions& options);

}  // namespace kvonce::steps

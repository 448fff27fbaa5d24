// The `verify` step: payload -> ordered events -> rules -> the four output files in a directory.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/output/output_set.hpp"
#include "kvonce/output/projection.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/report/trace_link.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/steps/prepare.hpp"
#include "kvonce/util/clock.hpp"
#include "kvonce/util/console_style.hpp"
#include "kvonce/util/output_dir.hpp"

namespace kvonce::steps {

// The order a profile judges in unless told otherwise: spec replays events in time order; compat
// keeps the payload's order, as the JavaScript pipeline did (its projector never sorted).
Order default_order(rules::Profile profile);
// The rules as `order` judges them: real-time judging exactly when the order is realtime.
rules::VerifyOptions judging_rules(rules::VerifyOptions rules, Order order);

struct VerifyOptions {
  std::vector<std::string> inputs;  // paths; "-" is standard input
  payload::Format format = payload::Format::autodetect;
  bool accept_partial = false;  // read a Tempo v2 PARTIAL trace, with a warning
  // Warnings about the payload that these inputs cannot show, written first among the set's and
  // printed: run's ndjson mode reads the events the otlp mode wrote, and carries the otlp read's
  // partial-trace warnings (output::partial_warnings).
  std::vector<std::string> carried_warnings;
  // Where the output set goes; empty: nowhere (the verdict alone, no file written or removed).
  // An output directory: entered without links within the working directory (output_dir.hpp).
  std::filesystem::path output_dir;
  // run: the trace directory output_dir lies in, already open; output_dir is entered below it.
  std::optional<OutputDir> within;
  // Keep the validation document's text in the outcome (verify --json prints it). It counts
  // against the output bound as one more output, charged before any file is committed.
  bool keep_validation_json = false;
  Order order = Order::time;
  rules::VerifyOptions rules;
  io::ReadLimits limits;
  privacy::MaskOptions mask;  // masking applied as events are read
  // The bound on the bytes of the output set (--max-output-bytes); none: the default, 64 times
  // the decompressed input and at least 256 MiB. `budget`, when set, is charged instead (run
  // shares one between its modes).
  std::optional<std::uint64_t> max_output_bytes;
  std::shared_ptr<OutputBudget> budget;
  // What the set records as its payload. None: the inputs' own SHA-256, taken as they are read
  // (run passes the payload's, since its ndjson mode reads the otlp mode's events).
  std::optional<output::SetOrigin> origin;
  std::optional<std::string> github_run_id, github_run_attempt;  // recorded when set
  Clock clock;  // the outputs' generatedAt; empty = the system's
  // Judge on a thread of its own while this one writes the events and the projection (a second
  // core shortens a verify that writes its set; the outputs are the same).
  bool judge_beside_writes = false;
  // run: called once the set's events file is complete and in place, while the rest of the set
  // is still to be written (run's ndjson mode starts reading that file then). The events file is
  // then written alone, ahead of the projection, and renamed into place at once: the previous
  // set must be gone already. verify_store's caller removes the set when the verify fails.
  std::function<void()> events_written;
  // run's ndjson mode: the partial-trace warnings that the set whose events file is the one
  // input records (recorded_partial_warnings of its warnings), taken instead of being read back
  // from that set's validation, which may not be written yet.
  std::optional<std::vector<std::string>> recorded_partial;
  // run's ndjson mode: the otlp mode's events and where its set goes. When this mode reads the
  // same events (EventStore::same_events), its events file and state sequence are the same bytes
  // as that set's: `committed` waits until that set is in place (false: it never will be), and
  // the two files are copied from it with its digests instead of being formatted and hashed
  // again (output::EqualSet).
  struct EqualEvents {
    const EventStore* store = nullptr;
    std::filesystem::path output_dir;
    std::function<bool()> committed;
  };
  std::optional<EqualEvents> equal_events;
  // Shown under each issue of the console summary; not recorded in the outputs (report takes its
  // own --trace-link, so a link can change without verifying again).
  std::optional<report::TraceLinkTemplate> trace_link;
};

struct VerifyOutcome {
  payload::LoadResult load;
  std::vector<std::string> warnings;  // as written: the carried ones, then the read's
  std::string format;                 // as read: "otlp", "ndjson" or "mixed"
  rules::VerifyResult result;
  output::ProjectionStats projection;
  std::uint64_t events = 0;
  double seconds = 0;
  // The validation document, as kvonce-validation.json holds it (keep_validation_json); with no
  // output directory it has no outputSet member, since no file was written.
  std::string validation_json;
  // The console text of the histories of the first kShownHistories issues (the store is gone
  // once verify returns).
  std::vector<std::string> issue_histories;

  bool no_events() const { return events == 0; }
  bool valid() const { return events > 0 && result.valid(); }
};

inline constexpr std::size_t kShownHistories = 10;

// Writes every output as one set: nothing is replaced until all are complete (no output
// directory: nothing is written, and the outcome is the same). Without events
// only kvonce-validation.json is written (valid: false; the previous run's other files are
// removed) and the outcome says no_events(); malformed input throws before any write, and so
// does an output set over its bound (Error(limit)).
VerifyOutcome verify(const VerifyOptions& options);

// Verifies events already loaded and ordered (run uses it to share one read of the payload).
VerifyOutcome verify_store(const EventStore& store, payload::LoadResult load,
                           const VerifyOptions& options);

// The partial-trace warnings among a set's warnings (as its validation records them) that a
// verify of that set's events file inherits, as recorded_judging reads them back.
std::vector<std::string> recorded_partial_warnings(const std::vector<std::string>& warnings);

// The short human summary printed on stdout.
std::string verify_summary_text(const VerifyOutcome& outcome, const VerifyOptions& options,
                                std::size_t max_issues = 10);
// The same in colour when `style` says so: the verdict, issue types and warnings in their tones,
// what the run read and wrote dimmed.
std::string verify_summary_text(const VerifyOutcome& outcome, const VerifyOptions& options,
                                const ConsoleStyle& style, std::size_t max_issues = 10);

}  // namespace kvonce::steps

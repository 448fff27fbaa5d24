// What a batch (or a merge of shards) adds up to: totals, the exit code and the Markdown summary.
//
// Exit code (documented in docs/batch.md):
//   0  every payload was verified and valid (also: a shard that drew no payload of a non-empty
//      listing);
//   1  any payload invalid, failed (unreadable, corrupt, over a limit, unreachable) or without
//      KvOnce events while others had some; for a merge also any payload reported by two shards;
//   2  no payload had any KvOnce event: the inputs held no payload at all, or none with events.
// Errors of the batch itself (usage, a results file that cannot be written, a listing refused)
// end it early with the exit code of their kind instead.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/batch/result.hpp"
#include "kvonce/report/trace_link.hpp"

namespace kvonce::batch {

struct Totals {
  std::uint64_t payloads = 0, valid = 0, invalid = 0, no_events = 0, failed = 0;
  std::uint64_t events = 0, keys = 0, bytes = 0;
  std::uint64_t partial = 0;  // payloads whose trace was partial, read with --accept-partial
  std::map<std::string, std::uint64_t> issue_counts;  // by type, over all payloads
};

Totals tally(const std::vector<PayloadResult>& results);

// `listed`: payloads the inputs held before the shard filter (for a merge: the payloads read).
int batch_exit_code(const Totals& totals, std::uint64_t listed, std::uint64_t duplicates = 0);

struct SummaryInput {
  std::string title;  // "kvonce-trace batch", "kvonce-trace batch merge"
  const std::vector<PayloadResult>* results = nullptr;  // sorted as they should be listed
  std::uint64_t resumed = 0;                            // of results, taken over from --resume
  std::vector<std::string> notes;       // lines under the totals (shard, wall time, jobs, ...)
  std::vector<std::string> duplicates;  // "source (sha256) in FILE and FILE"
  // With a template, invalid payloads link their first issue's trace.
  std::optional<report::TraceLinkTemplate> trace_link = {};
};

// The Markdown summary: a totals table, the issues by type, the invalid payloads and the errors
// and the partial traces read (each list cut at kMaxListed rows, with a line saying how many more
// the results file holds).
inline constexpr std::size_t kMaxListed = 50;
std::string summary_markdown(const SummaryInput& input);

// One line for the console: "batch: 998 of 1000 payloads valid, 1 invalid, 1 failed; 1 partial
// trace read with --accept-partial; 12,345 events".
std::string summary_line(const Totals& totals, std::uint64_t resumed);

}  // namespace kvonce::batch

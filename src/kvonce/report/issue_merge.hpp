// The issues of every mode as one list: an issue both modes report is listed once, and when the
// modes disagree each row says which modes report it.
//
// Two issues are the same when type, key and message are (the message holds the number of
// occurrences, so a count that differs between the modes shows as a difference).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kvonce/report/model.hpp"

namespace kvonce::report {

struct MergedIssue {
  const IssueEntry* issue = nullptr;  // the first mode's entry (ids and time from it)
  std::uint32_t modes = 0;            // bit i: Report::modes[i] reports it
};

struct MergedIssues {
  std::vector<MergedIssue> rows;  // in the order of the first mode that reports each
  std::uint32_t judged = 0;       // bit i: Report::modes[i] was read to a verdict
  // Every judged mode reports every row. Only the issues kept are compared: beyond them the
  // reports say how many more each mode has, not which.
  bool agree = true;

  // Whether rows need to say which modes report them.
  bool show_modes() const { return !agree; }
  bool in_every_mode(const MergedIssue& row) const { return row.modes == judged; }
};

MergedIssues merge_issues(const Report& report);

// "otlp", "ndjson", or "otlp, ndjson": the modes of a row, in report order.
std::string modes_text(const Report& report, std::uint32_t modes);

}  // namespace kvonce::report

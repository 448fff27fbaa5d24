// Merging the per-mode issue lists.
#include "kvonce/report/issue_merge.hpp"

#include <unordered_map>

namespace kvonce::report {
namespace {

std::string identity(const IssueEntry& issue) {
  std::string id = issue.type;
  id += '\0';
  id += issue.key;
  id += '\0';
  id += issue.message;
  return id;
}

bool judged(const ModeResult& m) {
  return m.status == ModeStatus::valid || m.status == ModeStatus::invalid;
}

}  // namespace

MergedIssues merge_issues(const Report& report) {
  MergedIssues out;
  // Rows by identity; several when one mode lists the same issue twice (never written so, but the
  // files are read as they are).
  std::unordered_map<std::string, std::vector<std::size_t>> rows_of;
  for (std::size_t i = 0; i < report.modes.size() && i < 32; ++i) {
    const ModeResult& m = report.modes[i];
    if (!judged(m)) continue;
    const std::uint32_t bit = 1u << i;
    out.judged |= bit;
    for (const IssueEntry& issue : m.issues) {
      std::vector<std::size_t>& rows = rows_of[identity(issue)];
      bool taken = false;
      for (const std::size_t r : rows) {
        if (out.rows[r].modes & bit) continue;
        out.rows[r].modes |= bit;
        taken = true;
        break;
      }
      if (!taken) {
        rows.push_back(out.rows.size());
        out.rows.push_back(MergedIssue{&issue, bit});
      }
    }
  }
  for (const MergedIssue& row : out.rows) out.agree = out.agree && out.in_every_mode(row);
  return out;
}

std::string modes_text(const Report& report, std::uint32_t modes) {
  std::string out;
  for (std::size_t i = 0; i < report.modes.size() && i < 32; ++i) {
    if (!(modes >> i & 1)) continue;
    out += (out.empty() ? "" : ", ") + report.modes[i].mode;
  }
  return out;
}

}  // namespace kvonce::report

// Merging the per-mode issue lists.
#include "kvonce/report/issue_merge.hpp"

#include <deque>

#include "kvonce/util/key_index.hpp"

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
  // files are read as they are). Identities hold payload keys: a keyed index, not std::hash.
  KeyIndex index;
  std::deque<std::string> ids;  // the bytes `index` points at (stable)
  std::vector<std::vector<std::size_t>> rows_of;
  for (std::size_t i = 0; i < report.modes.size() && i < 32; ++i) {
    const ModeResult& m = report.modes[i];
    if (!judged(m)) continue;
    const std::uint32_t bit = 1u << i;
    out.judged |= bit;
    for (const IssueEntry& issue : m.issues) {
      ids.push_back(identity(issue));
      const auto [at, fresh] = index.insert(ids.back());
      if (fresh) {
        rows_of.emplace_back();
      } else {
        ids.pop_back();
      }
      std::vector<std::size_t>& rows = rows_of[at];
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

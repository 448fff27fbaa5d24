// The GitHub Step Summary section: the verdict, the mode table, the issue table, then what only
// some readers need (errors, warnings) and the payload.
#include <algorithm>
#include <map>
#include <string_view>
#include <utility>
#include <vector>

#include "kvonce/report/history_markdown.hpp"
#include "kvonce/report/issue_table.hpp"
#include "kvonce/report/markdown.hpp"
#include "kvonce/report/writers.hpp"

namespace kvonce::report {
namespace {

std::string table(const Report& report) {
  std::string out =
      "| mode | verdict | events | keys | issues |\n| --- | --- | --: | --: | --: |\n";
  for (const ModeResult& m : report.modes) {
    const bool counted = m.status == ModeStatus::valid || m.status == ModeStatus::invalid;
    out += "| " + m.mode + " | " + verdict_text(m.status) + (m.unchecked ? " (unchecked)" : "") +
           " | " + count_text(m.events) + " | " + count_text(m.keys) + " | " +
           (counted ? std::to_string(m.issue_count) : "N/A") + " |\n";
  }
  return out;
}

// Why a mode could not be read: part of the verdict, so not folded.
void append_errors(std::string& out, const Report& report, std::size_t max_size) {
  for (const ModeResult& m : report.modes) {
    if (m.status != ModeStatus::error) continue;
    append_bounded(out, "\n**" + m.mode + "**: " + md_text(m.error, kMaxErrorBytes) + "\n",
                   max_size);
  }
}

// The readers' warnings, folded: they explain what was skipped, not the verdict. A warning that
// several modes give is listed once, with those modes.
void append_warnings(std::string& out, const Report& report, std::size_t max_size) {
  std::vector<std::pair<std::string, std::string>> listed;  // warning, its modes
  std::map<std::string_view, std::size_t> index;            // ordered: no hash of payload text
  for (const ModeResult& m : report.modes) {
    for (const std::string& w : m.warnings) {
      const auto [it, added] = index.try_emplace(w, listed.size());
      if (added) {
        listed.emplace_back(w, m.mode);
      } else {
        listed[it->second].second += ", " + m.mode;
      }
    }
  }
  if (listed.empty()) return;
  const std::string close = "\n</details>\n";
  const std::size_t room = max_size > close.size() ? max_size - close.size() : 0;
  out += "\n<details><summary>Warnings (" + std::to_string(listed.size()) + ")</summary>\n\n";
  for (const auto& [warning, modes] : listed) {
    if (!append_bounded(out, "- " + modes + ": " + md_text(warning) + "\n", room)) break;
  }
  out += close;
}

}  // namespace

std::string step_summary_markdown(const Report& report, std::size_t max_issues) {
  const MergedIssues merged = merge_issues(report);
  const std::string footer = "\n**Payload:** " + payload_text(report.payload) + "\n\n";
  const std::size_t max_size = kStepSummaryMaxBytes - footer.size();
  std::string out =
      std::string("## ") + kTitle + "\n\n" + verdict_line(report, merged) + "\n\n" + table(report);
  if (!merged.rows.empty()) out += "\n#### Issues\n\n";
  const std::size_t shown =
      append_issue_table(out, report, merged, rows_limit(merged, max_issues), max_size - 1024);
  const std::size_t table_end = out.size();
  append_errors(out, report, max_size - 512);
  append_warnings(out, report, max_size);
  // The histories go under the table, in the room the rest left: they are the first to give way.
  out.insert(table_end, histories_markdown(report, merged, shown,
                                           max_size > out.size() ? max_size - out.size() : 0));
  return out + footer;
}

}  // namespace kvonce::report

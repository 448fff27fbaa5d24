// The PR comment body and the Check Run output: the verdict, the mode lines and one issue table.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "kvonce/fetch/metadata.hpp"
#include "kvonce/report/history_markdown.hpp"
#include "kvonce/report/issue_table.hpp"
#include "kvonce/report/load.hpp"
#include "kvonce/report/markdown.hpp"
#include "kvonce/report/writers.hpp"

namespace kvonce::report {
namespace {

std::string payload_footer(const Report& report) {
  return "\nPayload: " + payload_text(report.payload) + "\n";
}

// Warnings a reviewer must see beside the verdict (qualifies_verdict). One that several modes
// give (the same payload read twice) is said once, with those modes.
std::string verdict_warnings(const Report& report) {
  std::vector<std::pair<std::string, std::string>> listed;  // warning, its modes
  for (const ModeResult& m : report.modes) {
    for (const std::string& w : m.warnings) {
      if (!qualifies_verdict(w)) continue;
      const auto same = std::find_if(listed.begin(), listed.end(),
                                     [&](const auto& entry) { return entry.first == w; });
      if (same == listed.end()) {
        listed.emplace_back(w, m.mode);
      } else {
        same->second += ", " + m.mode;
      }
    }
  }
  std::string out;
  for (const auto& [warning, modes] : listed) {
    out += "- ⚠️ " + modes + ": " + md_text(warning) + "\n";
  }
  return out;
}

std::string verdict_title(const Report& report);

// The title, marked when the payload was the built-in sample (a verdict on no project payload).
std::string title_of(const Report& report) {
  const std::string title = verdict_title(report);
  return report.payload.source_type == fetch::kSourceSample ? title + " (embedded sample)" : title;
}

std::string verdict_title(const Report& report) {
  switch (overall(report)) {
    case Overall::valid: return "Valid in every mode";
    case Overall::missing: return "No results: no mode directory found";
    case Overall::invalid: break;
  }
  std::string out;
  for (const ModeResult& m : report.modes) {
    out += out.empty() ? "" : ", ";
    out += m.mode + " ";
    if (m.status == ModeStatus::invalid)
      out += issues_text(m.issue_count);
    else
      out += to_string(m.status);
  }
  return "Invalid: " + out;
}

}  // namespace

std::string pr_comment_markdown(const Report& report, std::size_t max_issues) {
  const MergedIssues merged = merge_issues(report);
  std::string out = std::string(kCommentMarker) + "\n### " + kTitle + "\n\n" +
                    verdict_line(report, merged) + "\n\n";
  for (const ModeResult& m : report.modes) out += "- " + mode_line(m) + "\n";
  out += verdict_warnings(report);
  const std::string footer = payload_footer(report);
  const std::size_t budget =
      footer.size() + 1 < kCommentMaxBytes ? kCommentMaxBytes - footer.size() - 1 : 0;
  if (!merged.rows.empty()) out += "\n";
  const std::size_t shown = append_issue_table(
      out, report, merged, rows_limit(merged, std::min(max_issues, kCommentMaxIssues)), budget);
  out += histories_markdown(report, merged, shown, budget > out.size() ? budget - out.size() : 0);
  return out + footer;
}

CheckRunContent check_run_content(const Report& report) {
  CheckRunContent c;
  const MergedIssues merged = merge_issues(report);
  const Overall verdict = overall(report);
  c.conclusion = verdict == Overall::valid     ? "success"
                 : verdict == Overall::missing ? "neutral"
                                               : "failure";
  c.title = truncate_utf8(title_of(report), 200);
  c.summary = verdict_line(report, merged) + "\n\n";
  for (const ModeResult& m : report.modes) c.summary += "- " + mode_line(m) + "\n";
  c.summary += verdict_warnings(report);
  c.summary += payload_footer(report);
  if (c.summary.size() > kCheckRunMaxBytes) c.summary = truncate_utf8(c.summary, kCheckRunMaxBytes);
  const std::size_t shown =
      append_issue_table(c.text, report, merged, merged.rows.size(), kCheckRunMaxBytes);
  c.text +=
      histories_markdown(report, merged, shown,
                         kCheckRunMaxBytes > c.text.size() ? kCheckRunMaxBytes - c.text.size() : 0);
  if (c.text.empty()) c.text = "No issues.\n";
  return c;
}

}  // namespace kvonce::report

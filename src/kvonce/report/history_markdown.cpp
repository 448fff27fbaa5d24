#include "kvonce/report/history_markdown.hpp"

#include "kvonce/report/issue_table.hpp"
#include "kvonce/report/markdown.hpp"
#include "kvonce/report/trace_link.hpp"

namespace kvonce::report {
namespace {

std::string cell(std::string_view s) {
  return s.empty() ? std::string("–") : md_text(s, 300);
}

std::string value_cell(const HistoryEntry& e) {
  std::string out;
  if (e.value) out += "value " + md_text(*e.value, 300);
  if (e.reason) out += std::string(out.empty() ? "" : ", ") + "reason " + md_text(*e.reason, 300);
  return out.empty() ? std::string("–") : out;
}

std::string trace_of(const Report& report, const HistoryEntry& e) {
  if (e.trace_id.empty()) return "–";
  const std::string url = trace_link(report.trace_link, e.trace_id, e.span_id);
  return url.empty() ? cell_code(e.trace_id, 80) : md_link(cell_code(e.trace_id, 16), url);
}

std::string row(const Report& report, const HistoryEntry& e) {
  return "| " + (e.event_index ? std::to_string(*e.event_index) : std::string("–")) + " | " +
         when_text(e.timestamp) + (e.end.empty() ? "" : " → " + when_text(e.end)) + " | " +
         cell(e.type) + " | " + cell(e.attempts) + " | " + value_cell(e) + " | " +
         trace_of(report, e) + " |\n";
}

}  // namespace

std::string history_details(const Report& report, const IssueEntry& issue) {
  if (issue.history.empty()) return {};
  const std::size_t n = issue.history.size();
  std::string out = "<details><summary>History of <code>" + html_text(issue.key, kMaxKeyBytes) +
                    "</code> (" + html_text(issue.type, 80) + ", " + std::to_string(n) +
                    (n == 1 ? " event" : " events") + ")</summary>\n\n";
  out += "| event | start → end | type | attempts | value / reason | trace |\n";
  out += "| --: | --- | --- | --: | --- | --- |\n";
  for (const HistoryEntry& e : issue.history) out += row(report, e);
  out += "\n</details>\n";
  return out;
}

std::string histories_markdown(const Report& report, const MergedIssues& merged, std::size_t shown,
                               std::size_t room) {
  std::string out;
  for (std::size_t i = 0; i < shown && i < merged.rows.size(); ++i) {
    const std::string details = history_details(report, *merged.rows[i].issue);
    if (details.empty()) continue;
    const std::string block = (out.empty() ? "\n" : "") + details;
    if (out.size() + block.size() > room) break;
    out += block;
  }
  return out;
}

}  // namespace kvonce::report

// The merged issue table and the verdict line.
#include "kvonce/report/issue_table.hpp"

#include <algorithm>
#include <bit>
#include <vector>

#include "kvonce/report/markdown.hpp"
#include "kvonce/report/trace_link.hpp"

namespace kvonce::report {
namespace {

// Room kept for the lines about issues not shown, so that they always fit.
constexpr std::size_t kMoreLinesBytes = 240;

std::string both_or_every(const MergedIssues& merged) {
  return std::popcount(merged.judged) == 2 ? "both" : "every mode";
}

// "3 issues in both, 1 only in otlp".
std::string difference_text(const Report& report, const MergedIssues& merged) {
  std::size_t common = 0;
  std::vector<std::pair<std::uint32_t, std::size_t>> only;  // modes, rows
  for (const MergedIssue& row : merged.rows) {
    if (merged.in_every_mode(row)) {
      ++common;
      continue;
    }
    auto it = only.begin();
    while (it != only.end() && it->first != row.modes) ++it;
    if (it == only.end()) it = only.insert(only.end(), {row.modes, 0});
    ++it->second;
  }
  std::string out = issues_text(common) + " in " + both_or_every(merged);
  for (const auto& [modes, n] : only) {
    out += ", " + std::to_string(n) + " only in " + modes_text(report, modes);
  }
  return out;
}

// "otlp could not be read", "otlp and ndjson could not be read", or "".
std::string errors_text(const Report& report) {
  std::string modes;
  for (const ModeResult& m : report.modes) {
    if (m.status == ModeStatus::error) modes += (modes.empty() ? "" : " and ") + m.mode;
  }
  return modes.empty() ? modes : modes + " could not be read";
}

std::string issue_row(const Report& report, const MergedIssue& row, bool show_modes) {
  const IssueEntry& i = *row.issue;
  std::string out = "| " + md_text(i.type, 80) + " | " + cell_code(i.key, kMaxKeyBytes) + " | " +
                    md_text(i.message) + " | " + when_text(i.timestamp) + " | " +
                    trace_cell(report, i) + " |";
  if (show_modes) out += " " + modes_text(report, row.modes) + " |";
  return out + "\n";
}

// Per mode, its issues that no row shown covers; said once when the modes agree and every
// judged mode has as many more.
void append_more_lines(std::string& out, const Report& report, const MergedIssues& merged,
                       std::size_t shown) {
  std::vector<std::pair<const ModeResult*, std::uint64_t>> more;  // mode, issues not shown
  for (std::size_t i = 0; i < report.modes.size() && i < 32; ++i) {
    const ModeResult& m = report.modes[i];
    std::uint64_t covered = 0;
    for (std::size_t r = 0; r < shown; ++r) covered += merged.rows[r].modes >> i & 1;
    if (m.issue_count > covered) more.emplace_back(&m, m.issue_count - covered);
  }
  if (more.empty()) return;
  const bool same = merged.agree && more.size() >= 2 &&
                    more.size() == static_cast<std::size_t>(std::popcount(merged.judged)) &&
                    std::all_of(more.begin(), more.end(),
                                [&](const auto& m) { return m.second == more.front().second; });
  std::string lines;
  for (const auto& [mode, n] : more) {
    lines += "- … " + std::to_string(n) + " more" +
             (same ? std::string(more.size() == 2 ? " in both modes" : " in every mode") : "") +
             " (see " + mode->mode + "/kvonce-validation.json)\n";
    if (same) break;
  }
  out += "\n" + lines;
}

}  // namespace

std::string cell_code(std::string_view s, std::size_t max_bytes) {
  std::string out;
  for (const char c : md_code(s, max_bytes)) {
    if (c == '|') out += '\\';
    out += c;
  }
  return out;
}

std::string when_text(std::string_view timestamp) {
  if (timestamp.empty()) return "–";
  std::string text = md_text(timestamp, 40);
  if (text.size() > 10 && text[10] == 'T') text[10] = ' ';
  return text;
}

std::string verdict_line(const Report& report, const MergedIssues& merged) {
  switch (overall(report)) {
    case Overall::missing: return "⚠️ **No results**: no mode directory found";
    case Overall::valid: {
      std::string modes = modes_text(report, merged.judged);
      if (const std::size_t comma = modes.rfind(", "); comma != std::string::npos) {
        modes.replace(comma, 2, " and ");
      }
      return "✅ **Valid**: no issues in " + modes;
    }
    case Overall::invalid: break;
  }
  std::string issues;
  if (merged.judged == 0) {
    // Nothing judged: the errors are the whole verdict.
  } else if (merged.rows.empty()) {
    issues = "no issues listed";
  } else if (std::popcount(merged.judged) < 2) {
    issues = issues_text(merged.rows.size()) + " in " + modes_text(report, merged.judged);
  } else if (merged.agree) {
    issues = std::popcount(merged.judged) == 2 ? "both modes report" : "every mode reports";
    issues += " the same " + issues_text(merged.rows.size());
  } else {
    issues = "the modes disagree: " + difference_text(report, merged);
  }
  const std::string errors = errors_text(report);
  return "❌ **Invalid**: " + issues + (!issues.empty() && !errors.empty() ? "; " : "") + errors;
}

std::string trace_cell(const Report& report, const IssueEntry& issue) {
  if (issue.trace_id.empty()) return "–";
  const std::string url = trace_link(report.trace_link, issue.trace_id, issue.span_id);
  if (url.empty()) return cell_code(issue.trace_id, 80);
  return md_link(cell_code(issue.trace_id, 16), url);
}

std::size_t rows_limit(const MergedIssues& merged, std::size_t per_mode) {
  return merged.agree
             ? per_mode
             : per_mode * static_cast<std::size_t>(std::max(1, std::popcount(merged.judged)));
}

std::size_t append_issue_table(std::string& out, const Report& report, const MergedIssues& merged,
                               std::size_t limit, std::size_t max_size) {
  if (merged.rows.empty()) {
    append_more_lines(out, report, merged, 0);
    return 0;
  }
  const bool modes = merged.show_modes();
  out +=
      modes
          ? "| rule | key | what | when | trace | modes |\n| --- | --- | --- | --- | --- | --- |\n"
          : "| rule | key | what | when | trace |\n| --- | --- | --- | --- | --- |\n";
  std::size_t shown = 0;
  for (const MergedIssue& row : merged.rows) {
    if (shown == limit) break;
    const std::string line = issue_row(report, row, modes);
    if (out.size() + line.size() + kMoreLinesBytes > max_size) break;
    out += line;
    ++shown;
  }
  append_more_lines(out, report, merged, shown);
  return shown;
}

}  // namespace kvonce::report

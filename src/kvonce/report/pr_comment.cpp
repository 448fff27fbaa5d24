// The PR comment body and the Check Run output: the same mode lines, different room for issues.
#include <algorithm>
#include <vector>

#include "kvonce/report/markdown.hpp"
#include "kvonce/report/writers.hpp"

namespace kvonce::report {
namespace {

std::string payload_footer(const Report& report) {
  return "\nPayload: " + payload_text(report.payload) + "\n";
}

// Room per mode once the fixed parts are counted.
std::size_t share_of(std::size_t max_size, std::size_t fixed, std::size_t modes) {
  return fixed < max_size ? (max_size - fixed) / std::max<std::size_t>(modes, 1) : 0;
}

std::string title_of(const Report& report) {
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
  const std::string head = std::string(kCommentMarker) + "\n### " + kTitle + "\n\n";
  const std::string footer = payload_footer(report);
  std::vector<std::string> lines;
  std::size_t fixed = head.size() + footer.size();
  for (const ModeResult& m : report.modes) {
    lines.push_back("- " + mode_line(m) + "\n");
    fixed += lines.back().size();
  }
  const std::size_t share = share_of(kCommentMaxBytes, fixed, report.modes.size());
  const std::size_t limit = std::min(max_issues, kCommentMaxIssues);
  std::string out = head;
  for (std::size_t i = 0; i < report.modes.size(); ++i) {
    out += lines[i];
    std::string issues;
    append_issue_list(issues, report.modes[i], limit, share, "  ");
    out += issues;
  }
  return out + footer;
}

CheckRunContent check_run_content(const Report& report) {
  CheckRunContent c;
  const Overall verdict = overall(report);
  c.conclusion = verdict == Overall::valid     ? "success"
                 : verdict == Overall::missing ? "neutral"
                                               : "failure";
  c.title = truncate_utf8(title_of(report), 200);
  for (const ModeResult& m : report.modes) c.summary += "- " + mode_line(m) + "\n";
  c.summary += payload_footer(report);
  if (c.summary.size() > kCheckRunMaxBytes) c.summary = truncate_utf8(c.summary, kCheckRunMaxBytes);

  // One newline per section is added after it.
  const std::size_t share = share_of(kCheckRunMaxBytes, report.modes.size(), report.modes.size());
  for (const ModeResult& m : report.modes) {
    if (m.issue_count == 0) continue;
    std::string section = "### " + m.mode + ": " + issues_text(m.issue_count) + "\n\n";
    append_issue_list(section, m, m.issues.size(), share);
    c.text += section + "\n";
  }
  if (c.text.empty()) c.text = "No issues.\n";
  return c;
}

}  // namespace kvonce::report

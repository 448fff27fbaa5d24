// The GitHub Step Summary section.
#include <algorithm>

#include "kvonce/report/markdown.hpp"
#include "kvonce/report/writers.hpp"

namespace kvonce::report {
namespace {

std::string table(const Report& report) {
  std::string out =
      "| mode | verdict | events | keys | issues |\n| --- | --- | --: | --: | --: |\n";
  for (const ModeResult& m : report.modes) {
    const bool counted = m.status == ModeStatus::valid || m.status == ModeStatus::invalid;
    out += "| " + m.mode + " | " + verdict_text(m.status) + " | " + count_text(m.events) + " | " +
           count_text(m.keys) + " | " + (counted ? std::to_string(m.issue_count) : "N/A") + " |\n";
  }
  return out;
}

std::size_t warnings_bytes(const ModeResult& m) {
  std::size_t n = m.warnings.empty() ? 0 : std::string_view("\nWarnings:\n\n").size();
  for (const std::string& w : m.warnings) n += md_text(w).size() + 3;  // "- " and "\n"
  return n;
}

// The section of one mode, within max_size bytes; empty when there is nothing to add to its row.
std::string mode_section(const ModeResult& m, std::size_t max_issues, std::size_t max_size) {
  if (m.status == ModeStatus::missing) return {};
  if (m.status == ModeStatus::valid && m.issue_count == 0 && m.warnings.empty()) return {};
  std::string out = "\n#### " + m.mode + ": " + verdict_text(m.status);
  if (m.status == ModeStatus::error) {
    out += "\n\n" + md_text(m.error, kMaxErrorBytes) + "\n";
    return out.size() <= max_size ? out : std::string();
  }
  out += ", " + issues_text(m.issue_count) + "\n\n";
  // The warnings below keep their room: the issues' histories give way first.
  const std::size_t warnings = warnings_bytes(m);
  append_issue_list(out, m, max_issues, max_size > warnings ? max_size - warnings : 0);
  if (!m.warnings.empty()) append_bounded(out, "\nWarnings:\n\n", max_size);
  for (const std::string& w : m.warnings) {
    if (!append_bounded(out, "- " + md_text(w) + "\n", max_size)) break;
  }
  return out;
}

}  // namespace

std::string step_summary_markdown(const Report& report, std::size_t max_issues) {
  std::string out = std::string("## ") + kTitle + "\n\n**Payload:** " +
                    payload_text(report.payload) + "\n\n" + table(report);
  const std::size_t modes = std::max<std::size_t>(report.modes.size(), 1);
  const std::size_t share =
      out.size() < kStepSummaryMaxBytes ? (kStepSummaryMaxBytes - out.size() - 1) / modes : 0;
  for (const ModeResult& m : report.modes) out += mode_section(m, max_issues, share);
  return out + "\n";
}

}  // namespace kvonce::report

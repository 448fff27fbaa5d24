#include "kvonce/report/history_markdown.hpp"

#include "kvonce/report/markdown.hpp"

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

std::string row(const HistoryEntry& e) {
  return "| " + (e.event_index ? std::to_string(*e.event_index) : std::string("–")) + " | " +
         cell(e.timestamp) + " | " + cell(e.type) + " | " + cell(e.attempts) + " | " +
         value_cell(e) + " | " + cell(e.trace_id) + " |\n";
}

}  // namespace

std::string html_text(std::string_view s, std::size_t max_bytes) {
  const std::string cut = truncate_utf8(s, max_bytes);
  std::string out;
  for (const char ch : cut) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) {
      out += ' ';
    } else if (ch == '&') {
      out += "&amp;";
    } else if (ch == '<') {
      out += "&lt;";
    } else if (ch == '>') {
      out += "&gt;";
    } else if (ch == '"') {
      out += "&quot;";
    } else if (ch == '\'') {
      out += "&#39;";
    } else if (ch == '@') {
      out += "@&#8203;";
    } else {
      out += ch;
    }
  }
  return out;
}

std::string history_details(const IssueEntry& issue, std::string_view indent) {
  if (issue.history.empty()) return {};
  const std::string in = std::string(indent) + "  ";
  const std::size_t n = issue.history.size();
  std::string out = in + "<details><summary>History of <code>" +
                    html_text(issue.key, kMaxKeyBytes) + "</code> (" + std::to_string(n) +
                    (n == 1 ? " event" : " events") + ")</summary>\n\n";
  out += in + "| event | time | type | attempts | value / reason | trace |\n";
  out += in + "| --: | --- | --- | --: | --- | --- |\n";
  for (const HistoryEntry& e : issue.history) out += in + row(e);
  out += "\n" + in + "</details>\n\n";
  return out;
}

void insert_histories(std::string& out, const std::vector<IssueEntry>& issues,
                      const std::vector<std::size_t>& line_ends, std::size_t max_size,
                      std::string_view indent) {
  std::size_t room = out.size() < max_size ? max_size - out.size() : 0;
  std::string merged;
  std::size_t copied = 0;
  for (std::size_t i = 0; i < line_ends.size() && i < issues.size(); ++i) {
    const std::string details = history_details(issues[i], indent);
    if (details.size() > room) break;
    merged.append(out, copied, line_ends[i] - copied);
    merged += details;
    copied = line_ends[i];
    room -= details.size();
  }
  if (copied == 0) return;
  merged.append(out, copied, std::string::npos);
  out = std::move(merged);
}

}  // namespace kvonce::report

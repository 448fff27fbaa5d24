#include "kvonce/batch/summary.hpp"

#include <cstdio>

#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::batch {
namespace {

// 1234567 -> "1,234,567"
std::string grouped(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string megabytes(std::uint64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return buf;
}

// Table cell text: one line, pipes escaped, long messages cut. The summary goes to stdout too, so
// what came from payloads and results files is escaped as on the console.
std::string cell(std::string text, std::size_t max = 300) {
  if (text.size() > max) text = text.substr(0, max) + "…";
  std::string out;
  for (const char c : text) {
    if (c == '|')
      out += "\\|";
    else if (c == '\n' || c == '\r')
      out += ' ';
    else
      out += c;
  }
  return console_escape(out);
}

std::string issues_text(const PayloadResult& r) {
  std::string out;
  for (const auto& [type, count] : r.issue_counts) {
    out += (out.empty() ? "" : ", ") + console_escape(type) + " " + std::to_string(count);
  }
  return out;
}

// "[trace](url)" to the first issue's trace, or "–". The URL is percent-encoded throughout, so it
// needs no escaping for a table cell or the console.
std::string first_issue_link(const SummaryInput& in, const PayloadResult& r) {
  const std::string url = report::trace_link(in.trace_link, r.first_trace_id, r.first_span_id);
  return url.empty() ? std::string("–") : report::md_link("trace", url);
}

void more_line(std::string& out, std::size_t total, const char* what) {
  if (total > kMaxListed) {
    out += "\n… and " + std::to_string(total - kMaxListed) + " more " + what +
           " in the results file.\n";
  }
}

// The payloads whose trace a back-end returned only in part: their verdicts are of that part.
void append_partial(std::string& out, const std::vector<PayloadResult>& results) {
  std::vector<const PayloadResult*> partial;
  for (const PayloadResult& r : results) {
    if (!r.partial.empty()) partial.push_back(&r);
  }
  if (partial.empty()) return;
  out +=
      "\n### Partial traces\n\nRead with --accept-partial: each verdict is of the part of the "
      "trace the back-end returned.\n\n| Source | Warning |\n|---|---|\n";
  for (std::size_t i = 0; i < partial.size() && i < kMaxListed; ++i) {
    out += "| " + cell(partial[i]->source) + " | " + cell(partial[i]->partial.front()) + " |\n";
  }
  more_line(out, partial.size(), "partial traces");
}

}  // namespace

Totals tally(const std::vector<PayloadResult>& results) {
  Totals t;
  for (const PayloadResult& r : results) {
    ++t.payloads;
    if (r.failed())
      ++t.failed;
    else if (r.no_events())
      ++t.no_events;
    else if (r.valid)
      ++t.valid;
    else
      ++t.invalid;
    t.events += r.events;
    t.keys += r.keys;
    t.bytes += r.bytes;
    if (!r.partial.empty()) ++t.partial;
    for (const auto& [type, count] : r.issue_counts) t.issue_counts[type] += count;
  }
  return t;
}

int batch_exit_code(const Totals& t, std::uint64_t listed, std::uint64_t duplicates) {
  if (t.invalid > 0 || t.failed > 0 || duplicates > 0)
    return static_cast<int>(ExitCode::violations);
  if (t.events == 0) {
    const bool empty_shard = t.payloads == 0 && listed > 0;
    return static_cast<int>(empty_shard ? ExitCode::ok : ExitCode::no_events);
  }
  if (t.no_events > 0) return static_cast<int>(ExitCode::violations);
  return static_cast<int>(ExitCode::ok);
}

std::string summary_line(const Totals& t, std::uint64_t resumed) {
  std::string out =
      "batch: " + std::to_string(t.valid) + " of " + std::to_string(t.payloads) + " payloads valid";
  if (t.invalid) out += ", " + std::to_string(t.invalid) + " invalid";
  if (t.no_events) out += ", " + std::to_string(t.no_events) + " without events";
  if (t.failed) out += ", " + std::to_string(t.failed) + " failed";
  if (resumed) out += " (" + std::to_string(resumed) + " resumed)";
  if (t.partial) {
    out += "; " + std::to_string(t.partial) +
           (t.partial == 1 ? " partial trace" : " partial traces") +
           " read with --accept-partial, judged on the part returned";
  }
  return out + "; " + grouped(t.events) + " events";
}

std::string summary_markdown(const SummaryInput& in) {
  static const std::vector<PayloadResult> kNone;
  const auto& results = in.results ? *in.results : kNone;
  const Totals t = tally(results);
  std::string out = "## " + in.title + "\n\n";
  out += "| Payloads | Valid | Invalid | No events | Failed | Resumed | Events | Keys | Bytes |\n";
  out += "|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n";
  out += "| " + grouped(t.payloads) + " | " + grouped(t.valid) + " | " + grouped(t.invalid) +
         " | " + grouped(t.no_events) + " | " + grouped(t.failed) + " | " + grouped(in.resumed) +
         " | " + grouped(t.events) + " | " + grouped(t.keys) + " | " + megabytes(t.bytes) + " |\n";
  if (!in.notes.empty()) out += "\n";
  for (const std::string& note : in.notes) out += console_escape(note) + "\n";

  if (!t.issue_counts.empty()) {
    out += "\n### Issues by type\n\n| Type | Issues |\n|---|---:|\n";
    for (const auto& [type, count] : t.issue_counts)
      out += "| " + cell(type) + " | " + grouped(count) + " |\n";
  }
  std::vector<const PayloadResult*> invalid, errors;
  for (const PayloadResult& r : results) {
    if (r.error)
      errors.push_back(&r);
    else if (!r.valid)
      invalid.push_back(&r);
  }
  if (!invalid.empty()) {
    const bool links = in.trace_link.has_value();
    out += "\n### Invalid payloads\n\n| Source | Events | Keys | Issues |";
    out += links ? " First issue |\n|---|---:|---:|---|---|\n" : "\n|---|---:|---:|---|\n";
    for (std::size_t i = 0; i < invalid.size() && i < kMaxListed; ++i) {
      const PayloadResult& r = *invalid[i];
      out += "| " + cell(r.source) + " | " + grouped(r.events) + " | " + grouped(r.keys) + " | " +
             cell(issues_text(r)) + " |";
      if (links) out += " " + first_issue_link(in, r) + " |";
      out += "\n";
    }
    more_line(out, invalid.size(), "invalid payloads");
  }
  if (!errors.empty()) {
    out += "\n### Errors\n\n| Source | Kind | Message |\n|---|---|---|\n";
    for (std::size_t i = 0; i < errors.size() && i < kMaxListed; ++i) {
      const PayloadResult& r = *errors[i];
      out += "| " + cell(r.source) + " | " + cell(r.error->kind) + " | " + cell(r.error->message) +
             " |\n";
    }
    more_line(out, errors.size(), "errors");
  }
  append_partial(out, results);
  if (!in.duplicates.empty()) {
    out +=
        "\n### Duplicates across shards\n\nShards must be disjoint; these payloads were "
        "reported by more than one results file:\n\n";
    for (std::size_t i = 0; i < in.duplicates.size() && i < kMaxListed; ++i) {
      out += "- " + cell(in.duplicates[i]) + "\n";
    }
    more_line(out, in.duplicates.size(), "duplicates");
  }
  return out;
}

}  // namespace kvonce::batch

#include "kvonce/output/validation.hpp"

#include <array>

#include "kvonce/otlp/reader.hpp"
#include "kvonce/output/history_json.hpp"
#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::output {

std::vector<std::string> partial_warnings(const ReadStats& s) {
  std::vector<std::string> out = s.partial;
  if (s.partial_count > s.partial.size()) {
    out.push_back("... and " + std::to_string(s.partial_count - s.partial.size()) +
                  " more partial trace(s), " + std::string(otlp::kPartialTraceWarning));
  }
  return out;
}

std::vector<std::string> describe_warnings(const ReadStats& s) {
  std::vector<std::string> out = partial_warnings(s);
  auto add = [&](std::uint64_t n, const char* what) {
    if (n) out.push_back(std::to_string(n) + " " + what);
  };
  add(s.missing_type, "record(s) skipped: kvonce.event.key without kvonce.event.type");
  add(s.missing_key, "record(s) skipped: kvonce.event.type without kvonce.event.key");
  add(s.bad_timestamp, "record(s) skipped: start time missing or invalid");
  add(s.duplicates, "span(s) exported twice (same traceId and spanId) counted once");
  for (const std::string& w : s.warnings) out.push_back(w);
  if (s.warning_count > s.warnings.size()) {
    out.push_back("... and " + std::to_string(s.warning_count - s.warnings.size()) +
                  " more warning(s)");
  }
  return out;
}

void append_issue_json(std::string& out, const rules::Issue& issue, const EventStore* history,
                       rules::Profile profile) {
  out += "{\"key\":" + json_quote(issue.key);
  out += ",\"type\":" + json_quote(rules::to_string(issue.type));
  out += ",\"message\":" + json_quote(issue.message);
  out += ",\"eventIndex\":" + std::to_string(issue.event_index);
  out +=
      ",\"timestamp\":" + (issue.timed ? "\"" + format_iso_millis(issue.time_ns) + "\"" : "null");
  out += ",\"traceId\":" + json_quote(issue.trace_id);
  if (!issue.span_id.empty()) out += ",\"spanId\":" + json_quote(issue.span_id);
  out += ",\"count\":" + std::to_string(issue.count);
  if (history) {
    out += ",\"history\":";
    append_history_json(out, *history, issue.history, profile);
  }
  out += "}";
}

void append_validation_json(std::string& out, const rules::VerifyResult& result,
                            const ValidationInfo& info, const std::vector<std::string>& warnings,
                            std::chrono::system_clock::time_point generated_at,
                            const OutputSet* set) {
  std::array<std::uint64_t, rules::kIssueTypes> by_type{};
  for (const auto& issue : result.issues) ++by_type[static_cast<std::size_t>(issue.type)];
  out += "{\"generatedAt\":\"" + iso_of(generated_at) + "\",\"valid\":";
  out += result.valid() && info.events > 0 ? "true" : "false";
  out += ",\"profile\":\"";
  out += rules::to_string(info.options.profile);
  out += "\",\"maxRetries\":" + std::to_string(info.options.max_retries);
  out += ",\"inputFormat\":" + json_quote(info.input_format);
  out += ",\"order\":" + json_quote(info.order);
  out += ",\"clockSkewNanos\":" + std::to_string(info.options.clock_skew_ns);
  if (!info.inputs_json.empty()) out += ",\"input\":" + info.inputs_json;
  out += ",\"eventCount\":" + std::to_string(info.events);
  out += ",\"keyCount\":" + std::to_string(info.keys);
  out += ",\"issueCount\":" + std::to_string(result.issues.size());
  out += ",\"issueCounts\":{";
  bool first = true;
  for (std::size_t t = 0; t < rules::kIssueTypes; ++t) {
    if (!by_type[t]) continue;
    out += first ? "" : ",";
    first = false;
    out += json_quote(rules::to_string(static_cast<rules::IssueType>(t))) + ":" +
           std::to_string(by_type[t]);
  }
  out += "},\"issues\":[";
  for (std::size_t i = 0; i < result.issues.size(); ++i) {
    const rules::Issue& issue = result.issues[i];
    out += i ? ",\n" : "\n";
    append_issue_json(out, issue, info.history_events, info.options.profile);
  }
  out += result.issues.empty() ? "]" : "\n]";
  out += ",\"warnings\":[";
  for (std::size_t i = 0; i < warnings.size(); ++i) {
    out += i ? "," : "";
    out += json_quote(warnings[i]);
  }
  out += "]";
  if (set) set->append_record(out);
  out += "}\n";
}

std::string write_validation(OutputSet& set, const std::string& name,
                             const rules::VerifyResult& result, const ValidationInfo& info,
                             const std::vector<std::string>& warnings,
                             std::chrono::system_clock::time_point generated_at) {
  std::string out;
  append_validation_json(out, result, info, warnings, generated_at, &set);
  SetFile& file = set.open(name);
  file.write(out);
  file.finish();
  return out;
}

}  // namespace kvonce::output

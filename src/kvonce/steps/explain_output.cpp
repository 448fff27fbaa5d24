// What `explain` prints: a timeline for people, one JSON document for scripts.
#include "kvonce/output/history_json.hpp"
#include "kvonce/output/validation.hpp"
#include "kvonce/steps/explain.hpp"
#include "kvonce/steps/history_text.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::steps {
namespace {

std::string state_text(const KeyStateAfter& s) {
  return std::string(s.written ? "written" : "not written") + ", " + std::to_string(s.retries) +
         (s.retries == 1 ? " retry, " : " retries, ") + std::to_string(s.failures) +
         (s.failures == 1 ? " failure" : " failures");
}

std::string settings_text(const ExplainOptions& options) {
  std::string out = std::string("profile ") + rules::to_string(options.rules.profile) +
                    ", max retries " + std::to_string(options.rules.max_retries) + ", order " +
                    to_string(options.order);
  if (options.rules.clock_skew_ns != 0) {
    out += ", clock skew " + std::to_string(options.rules.clock_skew_ns) + "ns";
  }
  if (!options.judging_recorded_in.empty()) {
    out += " as recorded in " + console_escape(options.judging_recorded_in.string());
  }
  return out;
}

// Under the verdict line: what the timeline may lack.
std::string warnings_text(const ExplainOutcome& o) {
  std::string out;
  for (const std::string& w : o.warnings) out += "  warning: " + console_escape(w) + "\n";
  return out;
}

}  // namespace

std::string explain_text(const ExplainOutcome& o, const ExplainOptions& options) {
  const std::string key = console_escape(o.key);
  if (!o.found()) {
    return "explain: no events with the key " + key + " (" + std::to_string(o.events) +
           " events read, " + settings_text(options) + ")\n" + warnings_text(o);
  }
  std::string out = "explain: " + key + ": " + (o.valid() ? "VALID" : "INVALID") + " (" +
                    std::to_string(o.steps.size()) + " of " + std::to_string(o.events) +
                    " events, " + std::to_string(o.issues.size()) +
                    (o.issues.size() == 1 ? " issue; " : " issues; ") + settings_text(options) +
                    ")\n";
  out += warnings_text(o);
  out += "  events are numbered from 0 in verification order (as verify's event #N)\n";
  for (const ExplainStep& step : o.steps) {
    out += "  " + history_event_text(step.event) + "\n";
    out += "      state after: " + state_text(step.state) + "\n";
    for (const std::size_t n : step.raised) {
      const rules::Issue& issue = o.issues[n];
      out += "      [" + std::string(rules::to_string(issue.type)) + "] " +
             console_escape(issue.message) + "\n";
    }
  }
  return out;
}

std::string explain_json(const ExplainOutcome& o, const ExplainOptions& options) {
  // A key no event has may not even be UTF-8 (it came from the command line): escaped then.
  std::string out = "{\"key\":" + json_quote(o.found() ? o.key : console_escape(o.key));
  out += ",\"found\":";
  out += o.found() ? "true" : "false";
  out += ",\"valid\":";
  out += o.valid() ? "true" : "false";
  out += ",\"profile\":" + json_quote(rules::to_string(options.rules.profile));
  out += ",\"maxRetries\":" + std::to_string(options.rules.max_retries);
  out += ",\"order\":" + json_quote(to_string(options.order));
  out += ",\"clockSkewNanos\":" + std::to_string(options.rules.clock_skew_ns);
  if (!options.judging_recorded_in.empty()) {
    out += ",\"judgingRecordedIn\":" +
           json_quote(console_escape(options.judging_recorded_in.string()));
  }
  out += ",\"warnings\":[";
  for (std::size_t i = 0; i < o.warnings.size(); ++i) {
    out += (i ? "," : "") + json_quote(o.warnings[i]);
  }
  out += "]";
  out += ",\"eventCount\":" + std::to_string(o.events);
  out += ",\"keyEventCount\":" + std::to_string(o.steps.size());
  out += ",\"timeline\":[";
  for (std::size_t i = 0; i < o.steps.size(); ++i) {
    const ExplainStep& step = o.steps[i];
    out += i ? ",\n" : "\n";
    out += "{\"event\":";
    output::append_history_event_json(out, step.event);
    out += ",\"state\":{\"written\":";
    out += step.state.written ? "true" : "false";
    out += ",\"retries\":" + std::to_string(step.state.retries);
    out += ",\"failures\":" + std::to_string(step.state.failures) + "},\"issues\":[";
    for (std::size_t j = 0; j < step.raised.size(); ++j) {
      out += j ? "," : "";
      out += json_quote(rules::to_string(o.issues[step.raised[j]].type));
    }
    out += "]}";
  }
  out += o.steps.empty() ? "]" : "\n]";
  out += ",\"issues\":[";
  for (std::size_t i = 0; i < o.issues.size(); ++i) {
    out += i ? ",\n" : "\n";
    output::append_issue_json(out, o.issues[i], nullptr, options.rules.profile);
  }
  out += o.issues.empty() ? "]}\n" : "\n]}\n";
  return out;
}

}  // namespace kvonce::steps

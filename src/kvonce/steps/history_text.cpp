#include "kvonce/steps/history_text.hpp"

#include "kvonce/util/console_text.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::steps {

std::string history_event_text(const rules::HistoryEvent& e) {
  std::string out = "#" + std::to_string(e.index) + " " +
                    (e.timed ? format_iso_millis(e.time_ns) : std::string("(no time)")) +
                    (e.end_ns ? " to " + format_iso_millis(*e.end_ns) : std::string()) + " " +
                    (e.type ? console_escape(*e.type) : std::string("(no type)"));
  if (e.attempts) out += " attempts=" + console_escape(*e.attempts);
  if (e.value) out += " value=" + console_escape(*e.value);
  if (e.reason) out += " reason=" + console_escape(*e.reason);
  if (e.truncated) out += " (cut)";
  if (!e.trace_id.empty()) out += " trace=" + console_escape(e.trace_id);
  return out;
}

std::string history_console_text(const EventStore& events,
                                 const std::vector<std::uint64_t>& history, rules::Profile profile,
                                 std::string_view indent) {
  std::string out;
  for (const std::uint64_t index : history) {
    out += std::string(indent) +
           history_event_text(rules::describe_event(events[index], index, profile)) + "\n";
  }
  return out;
}

}  // namespace kvonce::steps

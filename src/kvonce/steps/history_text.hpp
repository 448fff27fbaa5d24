// Key histories on the console: one line per event, every piece of trace text escaped.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/event/event_store.hpp"
#include "kvonce/rules/history.hpp"

namespace kvonce::steps {

// "#3 2025-10-09T08:00:01.000Z success attempts=1 value=\"v\" trace=abc" (no newline).
std::string history_event_text(const rules::HistoryEvent& event);

// One line per event of `history`, each starting with `indent`.
std::string history_console_text(const EventStore& events,
                                 const std::vector<std::uint64_t>& history, rules::Profile profile,
                                 std::string_view indent);

}  // namespace kvonce::steps

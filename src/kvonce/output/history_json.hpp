// An issue's history in kvonce-validation.json: `"history": [{eventIndex, timestamp, type,
// attempts, value?, reason?, truncated?, traceId}, ...]`, oldest first (schemas/).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kvonce/event/event_store.hpp"
#include "kvonce/rules/history.hpp"

namespace kvonce::output {

// Appends the array (without the member name) for the events at `history` of `events`.
void append_history_json(std::string& out, const EventStore& events,
                         const std::vector<std::uint64_t>& history, rules::Profile profile);

// One entry as a JSON object.
void append_history_event_json(std::string& out, const rules::HistoryEvent& event);

}  // namespace kvonce::output

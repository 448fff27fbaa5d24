// Key histories: the story of an issue's key up to and including its offending event.
//
// Histories are built after verification from the EventStore, never copied while the rules run:
// one pass over the events up to the last offending one, looking up only the keys that have
// issues (KeyIndex, keyed hash), each keeping a ring of its last kMaxHistoryEvents indices. Time
// is linear in the events, memory in the issues.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/event/event_store.hpp"
#include "kvonce/rules/issue.hpp"
#include "kvonce/rules/verify.hpp"

namespace kvonce::rules {

inline constexpr std::size_t kMaxHistoryEvents = 10;
// A value or reason in a history is its JSON text cut to at most this many bytes (the cut one
// ending in "…", on a UTF-8 character boundary).
inline constexpr std::size_t kMaxHistoryValueBytes = 256;

// Fills each issue's `history`: the events of its key, as the profile groups keys, in
// verification order up to and including the issue's event_index, the last kMaxHistoryEvents.
// Under spec a key given as a string, a missing key and a non-string key are never one key; under
// compat a missing key is the key "unknown" and non-string keys are grouped as compat_key says.
void attach_histories(const EventStore& events, Profile profile, std::vector<Issue>& issues);

// One event of a history, as every writer shows it.
struct HistoryEvent {
  std::uint64_t index = 0;  // in verification order, from 0
  bool timed = true;
  Nanos time_ns = 0;
  std::optional<Nanos> end_ns;          // the span's end, when it had a valid one
  std::optional<std::string> type;      // as given: text, or the JSON text of a non-string type
  std::optional<std::string> attempts;  // JSON: a number, or a string for one beyond int64
  std::optional<std::string> value;     // JSON text, cut to kMaxHistoryValueBytes
  std::optional<std::string> reason;    // JSON text, cut to kMaxHistoryValueBytes
  bool truncated = false;               // the value or the reason was cut
  std::string trace_id;
  std::string span_id;  // "" when the event carried none
};

HistoryEvent describe_event(const EventView& event, std::uint64_t index, Profile profile);

// At most max_bytes of s (the "…" included), cut on a UTF-8 boundary; `cut` says whether it was.
std::string cut_utf8(std::string_view s, std::size_t max_bytes, bool& cut);

}  // namespace kvonce::rules

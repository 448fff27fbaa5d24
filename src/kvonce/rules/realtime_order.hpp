// Real-time judging of a whole store: its events grouped by key, each key's witness order
// (rules/realtime.hpp), the verification order they make, and the issue of a key that has none.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "kvonce/event/event_store.hpp"
#include "kvonce/rules/issue_type.hpp"
#include "kvonce/rules/realtime.hpp"

namespace kvonce::rules {

// A failure whose reason is the JSON string "duplicate" (trimmed, any case).
bool is_duplicate_failure(const EventView& event);
bool has_type(const EventView& event, std::string_view type);

struct KeyWitness {
  std::vector<std::uint32_t> events;  // store positions of the key's events, in tie-break order
  RealtimeWitness witness;            // its indices point into `events`
};

struct RealtimeJudging {
  std::vector<KeyWitness> keys;        // string keys, in order of first sight in the store
  std::vector<std::uint32_t> keyless;  // store positions of events without a string key
  std::vector<std::uint32_t> rank;     // each store position's place in tie-break order
  std::vector<Nanos> start;  // each store position's start, -kBeyondAllTimes without a time
};

// Ties among equal starts are broken by end, span id, then store position.
RealtimeJudging judge_realtime(const EventStore& store, std::uint64_t skew_ns);

// Puts the store into verification order: each key's witness order (for a key with none, the
// placed prefix then its other events by start), merged across keys by witness point (the
// latest start so far in the key's witness order, within every event's interval); ties broken
// by start, end, span id, then the store's order.
void order_realtime(EventStore& store, std::uint64_t skew_ns);

// The order-dependent issue of a key without a witness: located at the event whose placement is
// impossible, its message naming that event and the one it would need with their intervals.
struct RealtimeIssue {
  std::uint32_t at = 0;  // store position
  IssueType type = IssueType::retry_attempt_out_of_sequence;
  std::string message;
};
RealtimeIssue explain_key(const EventStore& store, const KeyWitness& key, std::uint64_t skew_ns);

// Judges the keys whose events are at `positions` (one list per key, each in store order) and
// returns the issue of each key that has no witness.
std::vector<RealtimeIssue> judge_keys(const EventStore& store,
                                      const std::vector<std::vector<std::uint32_t>>& positions,
                                      std::uint64_t skew_ns);

}  // namespace kvonce::rules

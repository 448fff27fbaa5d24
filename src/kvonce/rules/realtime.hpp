// Real-time judging of one key: is there a total order of its events that extends real-time
// precedence and replays without the order-dependent rules (duplicate-before-success,
// retry-attempt-out-of-sequence, success-attempt-mismatch)? Found in O(n log n), never by a
// search over orders; the proof is in docs/rules.md ("Concurrency and real time").
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "kvonce/util/time.hpp"

namespace kvonce::rules {

// One event of a key as the order-dependent rules see it.
struct RealtimeEvent {
  enum class Kind : std::uint8_t {
    free,       // a failure that is not `duplicate`, or an event of unknown type: any position
    duplicate,  // a `duplicate` failure: only after some success
    success,    // writes the key; with attempts k, only after exactly k-1 retries
    retry,      // takes the next position; with attempts k, exactly the k-th
  };
  static constexpr std::int64_t kNoAttempts = -1;  // carries no integer attempts
  static constexpr std::int64_t kNever = 0;        // an attempt no position matches (<= 0, huge)

  Kind kind = Kind::free;
  std::int64_t attempts = kNoAttempts;
  Nanos start = 0, end = 0;  // widened interval (widen() below), start <= end
};

// An interval widened by the clock skew on both sides (times are signed, 128 bits wide: ISO times
// of the years 0000..9999 and a skew of at most an hour cannot overflow); an event without a
// valid time spans everything, so it is concurrent with every other event.
struct Interval {
  Nanos start = 0, end = 0;
};
// Beyond every time an event can carry (years 0000..9999 lie within +-2^59 ns of the epoch).
inline constexpr Nanos kBeyondAllTimes = static_cast<Nanos>(1) << 100;
Interval widen(bool timed, Nanos start_ns, Nanos end_ns, std::uint64_t skew_ns);

// What the procedure found for one key.
struct RealtimeWitness {
  std::vector<std::uint32_t> order;  // indices of the placed events, in witness order
  bool conforms = false;             // every event placed
  // When it does not conform: `blocked` (y) is the unplaced event that ends first, whose own
  // placement is impossible; `due` (x) is the event y would need before it, if there is one.
  std::uint32_t blocked = 0;
  std::optional<std::uint32_t> due;
  std::int64_t retries_placed = 0;
  bool written = false;  // some success placed when it stopped
};

// Events are indexed by their position in `events`; equal starts or ends are taken in that
// order, so callers give events in their tie-break order.
RealtimeWitness find_witness(const std::vector<RealtimeEvent>& events);

}  // namespace kvonce::rules

// The definition of real-time conformance, searched by brute force: some total order of a key's
// events extends real-time precedence (a before b when a ends strictly before b starts) and
// replays without the order-dependent rules. Only for small histories (at most 16 events).
#pragma once

#include <cstdint>
#include <vector>

#include "kvonce/rules/realtime.hpp"

namespace kvonce::test {

// Whether `e` may come next, after the events of `placed` (a bit set), with `retries` retries
// and `written` as the replay has them.
inline bool may_place(const rules::RealtimeEvent& e, std::int64_t retries, bool written) {
  using Kind = rules::RealtimeEvent::Kind;
  const bool attempt_ok =
      e.attempts == rules::RealtimeEvent::kNoAttempts || e.attempts == retries + 1;
  switch (e.kind) {
    case Kind::free: return true;
    case Kind::duplicate: return written;
    case Kind::success:
    case Kind::retry: return attempt_ok;
  }
  return false;
}

// No unplaced event other than `i` ends strictly before `i` starts.
inline bool real_time_allows(const std::vector<rules::RealtimeEvent>& ev, unsigned placed,
                             std::size_t i) {
  for (std::size_t j = 0; j < ev.size(); ++j) {
    if (j != i && !(placed >> j & 1u) && ev[j].end < ev[i].start) return false;
  }
  return true;
}

// Depth-first over every order, memoised on the placed set (retries and written follow from it).
inline bool brute_force_conforms(const std::vector<rules::RealtimeEvent>& ev) {
  const unsigned all = (1u << ev.size()) - 1;
  std::vector<std::int8_t> memo(all + 1, -1);
  auto search = [&](auto&& self, unsigned placed) -> bool {
    if (placed == all) return true;
    if (memo[placed] >= 0) return memo[placed] == 1;
    std::int64_t retries = 0;
    bool written = false;
    for (std::size_t j = 0; j < ev.size(); ++j) {
      if (!(placed >> j & 1u)) continue;
      retries += ev[j].kind == rules::RealtimeEvent::Kind::retry;
      written = written || ev[j].kind == rules::RealtimeEvent::Kind::success;
    }
    bool found = false;
    for (std::size_t i = 0; i < ev.size() && !found; ++i) {
      if (placed >> i & 1u) continue;
      if (!may_place(ev[i], retries, written) || !real_time_allows(ev, placed, i)) continue;
      found = self(self, placed | 1u << i);
    }
    memo[placed] = found ? 1 : 0;
    return found;
  };
  return search(search, 0);
}

// Whether `order` holds every event once, extends real-time precedence and replays cleanly.
inline bool replays_cleanly(const std::vector<rules::RealtimeEvent>& ev,
                            const std::vector<std::uint32_t>& order) {
  if (order.size() != ev.size()) return false;
  std::vector<bool> seen(ev.size(), false);
  std::int64_t retries = 0;
  bool written = false;
  for (std::size_t p = 0; p < order.size(); ++p) {
    const auto i = order[p];
    if (i >= ev.size() || seen[i] || !may_place(ev[i], retries, written)) return false;
    for (std::size_t q = p + 1; q < order.size(); ++q) {
      if (ev[order[q]].end < ev[i].start) return false;  // a later event had to come first
    }
    seen[i] = true;
    retries += ev[i].kind == rules::RealtimeEvent::Kind::retry;
    written = written || ev[i].kind == rules::RealtimeEvent::Kind::success;
  }
  return true;
}

}  // namespace kvonce::test

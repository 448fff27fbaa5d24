// The real-time decision procedure against a brute-force search over every order that extends
// real-time precedence, on thousands of small random histories.
#include <random>

#include <catch2/catch.hpp>

#include "kvonce/rules/realtime.hpp"

#include "support/realtime_brute_force.hpp"

using namespace kvonce::rules;
using Kind = RealtimeEvent::Kind;

namespace {

RealtimeEvent ev(Kind kind, std::int64_t attempts, kvonce::Nanos start, kvonce::Nanos end) {
  return RealtimeEvent{kind, attempts, start, end};
}
constexpr std::int64_t kNone = RealtimeEvent::kNoAttempts;

// A random history of one key: few events, small times so that overlaps, equal endpoints and
// ties are common; some events without time; a random skew.
std::vector<RealtimeEvent> random_history(std::mt19937_64& rng) {
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const int n = 1 + pick(7);
  const std::uint64_t skew = static_cast<std::uint64_t>(pick(3) == 0 ? pick(3) : 0);
  std::vector<RealtimeEvent> out;
  for (int i = 0; i < n; ++i) {
    const int k = pick(10);
    const Kind kind = k < 3   ? Kind::retry
                      : k < 6 ? Kind::success
                      : k < 8 ? Kind::duplicate
                              : Kind::free;
    const int a = pick(10);
    const std::int64_t attempts = a < 2 ? kNone : a == 2 ? RealtimeEvent::kNever : 1 + a % 4;
    const bool timed = pick(12) != 0;
    const auto start = static_cast<std::uint64_t>(pick(9));
    const auto end = start + static_cast<std::uint64_t>(pick(3) == 0 ? 0 : pick(5));
    const Interval w = widen(timed, start, end, skew);
    out.push_back(
        ev(kind, kind == Kind::free || kind == Kind::duplicate ? kNone : attempts, w.start, w.end));
  }
  return out;
}

}  // namespace

TEST_CASE("realtime: the race of two writers conforms, a refusal ending first does not") {
  // B's duplicate refusal [0, 30] overlaps A's success [5, 10]: A can commit first.
  const std::vector<RealtimeEvent> race{ev(Kind::duplicate, kNone, 0, 30),
                                        ev(Kind::success, 1, 5, 10)};
  const auto ok = find_witness(race);
  CHECK(ok.conforms);
  CHECK(ok.order == std::vector<std::uint32_t>{1, 0});
  // The refusal ends at 4, before the success starts at 5.
  const std::vector<RealtimeEvent> early{ev(Kind::duplicate, kNone, 0, 4),
                                         ev(Kind::success, 1, 5, 10)};
  const auto bad = find_witness(early);
  CHECK_FALSE(bad.conforms);
  CHECK(bad.blocked == 0);
  CHECK(bad.due == std::optional<std::uint32_t>(1));
}

TEST_CASE("realtime: equal endpoints are concurrent, skew widens intervals") {
  // The retry ends at 5 and the success begins at 5: concurrent, so either order is possible.
  CHECK(find_witness({ev(Kind::success, 1, 5, 6), ev(Kind::retry, 1, 0, 5)}).conforms);
  CHECK_FALSE(find_witness({ev(Kind::success, 1, 6, 7), ev(Kind::retry, 1, 0, 5)}).conforms);
  const Interval a = widen(true, 6, 7, 1), b = widen(true, 0, 5, 1);
  CHECK(find_witness({ev(Kind::success, 1, a.start, a.end), ev(Kind::retry, 1, b.start, b.end)})
            .conforms);
  // Without time an event is concurrent with every other.
  const Interval u = widen(false, 0, 0, 0);
  CHECK(find_witness({ev(Kind::success, 1, 6, 7), ev(Kind::retry, 1, u.start, u.end)}).conforms);
}

TEST_CASE("realtime: duplicate or out-of-range attempts never conform") {
  CHECK_FALSE(find_witness({ev(Kind::retry, 1, 0, 9), ev(Kind::retry, 1, 0, 9)}).conforms);
  CHECK_FALSE(find_witness({ev(Kind::retry, 2, 0, 9)}).conforms);
  CHECK_FALSE(find_witness({ev(Kind::retry, RealtimeEvent::kNever, 0, 9)}).conforms);
  CHECK_FALSE(find_witness({ev(Kind::success, 2, 0, 9)}).conforms);
  CHECK(find_witness(
            {ev(Kind::retry, kNone, 0, 9), ev(Kind::retry, 1, 0, 9), ev(Kind::success, 3, 0, 9)})
            .conforms);
}

TEST_CASE("realtime: the procedure agrees with a brute-force search on random histories") {
  std::mt19937_64 rng(20261207);
  int conforming = 0;
  for (int round = 0; round < 20000; ++round) {
    const auto events = random_history(rng);
    const bool brute = kvonce::test::brute_force_conforms(events);
    const RealtimeWitness w = find_witness(events);
    INFO("round " << round);
    REQUIRE(w.conforms == brute);
    if (w.conforms) {
      ++conforming;
      REQUIRE(kvonce::test::replays_cleanly(events, w.order));
    } else {
      REQUIRE(w.blocked < events.size());
    }
  }
  // Both verdicts are common, so the comparison means something.
  CHECK(conforming > 3000);
  CHECK(conforming < 17000);
}

TEST_CASE("realtime: one key of 100000 concurrent events is decided quickly") {
  std::vector<RealtimeEvent> events;
  for (std::uint32_t i = 0; i < 100000; ++i) {
    events.push_back(ev(i % 3 == 0 ? Kind::retry : Kind::duplicate, kNone, i, i + 1000000));
  }
  events.push_back(ev(Kind::success, kNone, 0, 1));
  CHECK(find_witness(events).conforms);
}

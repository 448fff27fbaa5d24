// The greedy decision procedure of docs/rules.md ("Concurrency and real time"), proved there:
// build the order step by step; m is the smallest end among the events not yet placed (m only
// grows). While c retries are placed, place every event with start <= m that the rules allow at
// c (a success carrying c+1 or no attempts, a failure that is not `duplicate`, a `duplicate` once
// some success is placed); then place retry c+1: the one carrying attempts c+1 if its start <= m,
// else, when no retry carries c+1, the attempt-less retry with start <= m that ends first.
// Events are admitted by a sweep over starts; attempt-less retries wait in a heap by end.
#include "kvonce/rules/realtime.hpp"

#include <algorithm>
#include <deque>
#include <numeric>
#include <queue>

namespace kvonce::rules {

Interval widen(bool timed, Nanos start_ns, Nanos end_ns, std::uint64_t skew_ns) {
  if (!timed) return {-kBeyondAllTimes, kBeyondAllTimes};
  const Nanos skew = skew_ns;
  return {start_ns - skew, std::max(start_ns, end_ns) + skew};
}

namespace {

using Kind = RealtimeEvent::Kind;

class Placer {
 public:
  explicit Placer(const std::vector<RealtimeEvent>& events)
      : ev_(events),
        placed_(events.size(), false),
        by_start_(events.size()),
        by_end_(events.size()) {
    std::iota(by_start_.begin(), by_start_.end(), 0u);
    std::iota(by_end_.begin(), by_end_.end(), 0u);
    std::stable_sort(by_start_.begin(), by_start_.end(),
                     [&](auto a, auto b) { return ev_[a].start < ev_[b].start; });
    std::stable_sort(by_end_.begin(), by_end_.end(),
                     [&](auto a, auto b) { return ev_[a].end < ev_[b].end; });
    for (const auto& e : ev_) retries_ += e.kind == Kind::retry;
    carriers_left_.assign(retries_ + 2, 0);
    carriers_ready_.resize(retries_ + 2);
    successes_waiting_.resize(retries_ + 2);
    for (const auto& e : ev_) {
      if (e.kind == Kind::retry && in_range(e.attempts, retries_)) ++carriers_left_[e.attempts];
    }
  }

  RealtimeWitness run() {
    for (;;) {
      place_ready();
      const auto next = next_retry();
      if (!next) break;
      place(*next);
      retry_at_.push_back(*next);
      ++c_;
      if (in_range(c_ + 1, retries_ + 1)) {
        for (const auto i : successes_waiting_[c_ + 1]) ready_.push_back(i);
        successes_waiting_[c_ + 1].clear();
      }
    }
    out_.conforms = out_.order.size() == ev_.size();
    out_.retries_placed = c_;
    out_.written = written_;
    if (!out_.conforms) explain_stop();
    return std::move(out_);
  }

 private:
  static bool in_range(std::int64_t k, std::size_t max) {
    return k >= 1 && static_cast<std::uint64_t>(k) <= max;
  }

  // The smallest end among unplaced events (the maximum once all are placed).
  Nanos m() {
    while (end_at_ < by_end_.size() && placed_[by_end_[end_at_]]) ++end_at_;
    return end_at_ < by_end_.size() ? ev_[by_end_[end_at_]].end : kBeyondAllTimes;
  }

  void admit() {
    while (start_at_ < by_start_.size() && ev_[by_start_[start_at_]].start <= m()) {
      classify(by_start_[start_at_++]);
    }
  }

  // An admitted event goes where it waits for the rules to allow it (or nowhere, when they
  // never will: a success or retry whose attempts the count of placed retries has passed).
  void classify(std::uint32_t i) {
    const RealtimeEvent& e = ev_[i];
    switch (e.kind) {
      case Kind::free: ready_.push_back(i); return;
      case Kind::duplicate:
        if (written_) {
          ready_.push_back(i);
        } else {
          duplicates_waiting_.push_back(i);
        }
        return;
      case Kind::success:
        if (e.attempts == RealtimeEvent::kNoAttempts || e.attempts == c_ + 1) {
          ready_.push_back(i);
        } else if (e.attempts > c_ + 1 && in_range(e.attempts, retries_ + 1)) {
          successes_waiting_[e.attempts].push_back(i);
        }
        return;
      case Kind::retry:
        if (e.attempts == RealtimeEvent::kNoAttempts) {
          attemptless_.push({e.end, i});
        } else if (e.attempts > c_ && in_range(e.attempts, retries_)) {
          carriers_ready_[e.attempts].push_back(i);
        }
        return;
    }
  }

  void place_ready() {
    for (;;) {
      admit();
      if (ready_.empty()) return;
      const std::uint32_t i = ready_.front();
      ready_.pop_front();
      place(i);
    }
  }

  void place(std::uint32_t i) {
    placed_[i] = true;
    out_.order.push_back(i);
    if (ev_[i].kind == Kind::success && !written_) {
      written_ = true;
      for (const auto d : duplicates_waiting_) ready_.push_back(d);
      duplicates_waiting_.clear();
    }
  }

  // Retry c+1, when one may be placed now.
  std::optional<std::uint32_t> next_retry() {
    const std::int64_t nth = c_ + 1;
    if (in_range(nth, retries_) && carriers_left_[nth] > 0) {
      auto& ready = carriers_ready_[nth];
      if (ready.empty()) return std::nullopt;
      // Two carriers of one attempt never conform; the one ending first keeps m lowest longest.
      const auto it = std::min_element(ready.begin(), ready.end(),
                                       [&](auto a, auto b) { return ev_[a].end < ev_[b].end; });
      const std::uint32_t i = *it;
      ready.erase(it);
      --carriers_left_[nth];
      return i;
    }
    if (attemptless_.empty()) return std::nullopt;
    const std::uint32_t i = attemptless_.top().second;
    attemptless_.pop();
    return i;
  }

  // The first unplaced event in `order` satisfying `pick`.
  template <typename Pick>
  std::optional<std::uint32_t> first_unplaced(const std::vector<std::uint32_t>& order,
                                              Pick pick) const {
    for (const auto i : order) {
      if (!placed_[i] && pick(ev_[i])) return i;
    }
    return std::nullopt;
  }

  // The retry that position c+1 waits for: the carrier of c+1, else an attempt-less retry.
  std::optional<std::uint32_t> due_retry() const {
    const std::int64_t nth = c_ + 1;
    const auto carrier = first_unplaced(
        by_start_, [&](const auto& e) { return e.kind == Kind::retry && e.attempts == nth; });
    if (carrier) return carrier;
    return first_unplaced(by_start_, [](const auto& e) {
      return e.kind == Kind::retry && e.attempts == RealtimeEvent::kNoAttempts;
    });
  }

  // y: the unplaced event that ends first (every event that could go next is blocked by it or
  // is it); x: what y waits for.
  void explain_stop() {
    const std::uint32_t y = *first_unplaced(by_end_, [](const auto&) { return true; });
    out_.blocked = y;
    const RealtimeEvent& e = ev_[y];
    const bool placed_attempt = e.attempts >= 1 && e.attempts <= c_;
    if (e.kind == Kind::duplicate) {
      const auto success =
          first_unplaced(by_start_, [](const auto& s) { return s.kind == Kind::success; });
      const auto retry = due_retry();
      out_.due = success;
      if (success && ev_[*success].start <= e.end && retry) out_.due = retry;
    } else if ((e.kind == Kind::success && placed_attempt) ||
               (e.kind == Kind::retry && placed_attempt)) {
      out_.due = retry_at_[e.attempts - 1];  // the retry that took the position first
    } else {
      out_.due = due_retry();
      if (out_.due == y) out_.due.reset();
    }
  }

  const std::vector<RealtimeEvent>& ev_;
  std::vector<bool> placed_;
  std::vector<std::uint32_t> by_start_, by_end_;
  std::size_t start_at_ = 0, end_at_ = 0;
  std::size_t retries_ = 0;
  std::int64_t c_ = 0;
  bool written_ = false;
  std::deque<std::uint32_t> ready_;
  std::vector<std::uint32_t> duplicates_waiting_;
  std::vector<std::vector<std::uint32_t>> successes_waiting_;  // by attempts
  std::vector<std::vector<std::uint32_t>> carriers_ready_;     // admitted retries, by attempts
  std::vector<std::uint32_t> carriers_left_;                   // unplaced retries, by attempts
  std::priority_queue<std::pair<Nanos, std::uint32_t>, std::vector<std::pair<Nanos, std::uint32_t>>,
                      std::greater<>>
      attemptless_;                      // admitted attempt-less retries by end
  std::vector<std::uint32_t> retry_at_;  // placed retries, by position - 1
  RealtimeWitness out_;
};

}  // namespace

RealtimeWitness find_witness(const std::vector<RealtimeEvent>& events) {
  return Placer(events).run();
}

}  // namespace kvonce::rules

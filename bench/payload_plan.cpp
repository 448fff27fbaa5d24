#include "payload_plan.hpp"

#include <algorithm>

namespace kvonce::bench {

std::uint64_t mix64(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t Rng::next() {
  return mix64(state_ += 0x9E3779B97F4A7C15ULL);
}

std::uint64_t Rng::below(std::uint64_t n) {
  // The modulo bias is below n / 2^64: nothing for the n used here.
  return next() % n;
}

double Rng::unit() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

Schedule::Schedule(const PlanOptions& options)
    : options_(options), rng_(mix64(options.seed) ^ 0x6B766F6E6365ULL) {
  const std::size_t window = static_cast<std::size_t>(
      std::min<std::uint64_t>(options_.keys, std::max<std::size_t>(options_.window, 1)));
  active_.resize(window);
  for (Active& slot : active_) activate(slot, next_key_++);
}

// Spans are shared out evenly: the first (spans % keys) keys take one more.
std::uint64_t Schedule::share_of(std::uint64_t key) const {
  const std::uint64_t base = options_.spans / options_.keys;
  return base + (key < options_.spans % options_.keys ? 1 : 0);
}

// Mostly first-time successes, as a healthy service shows; retries are the exception.
std::int64_t Schedule::pick_retries(std::int64_t most) {
  const std::uint64_t u = rng_.below(100);
  const std::int64_t r = u < 60 ? 0 : u < 85 ? 1 : u < 95 ? 2 : 3;
  return std::min(r, most);
}

Violation Schedule::pick_violation(std::uint64_t count) {
  if (options_.invalid_rate <= 0 || rng_.unit() >= options_.invalid_rate) return Violation::none;
  ++invalid_keys_;
  const auto v = static_cast<Violation>(1 + rng_.below(kViolationKinds));
  const std::uint64_t needs = v == Violation::retry_bound_exceeded ? 5
                              : v == Violation::duplicate_before_success ||
                                      v == Violation::retry_attempt_out_of_sequence ||
                                      v == Violation::multiple_success
                                  ? 2
                                  : 1;
  // A key with too few spans for its violation breaks the one rule that needs a single span.
  return count >= needs ? v : Violation::success_attempt_mismatch;
}

void Schedule::activate(Active& slot, std::uint64_t key) {
  const std::uint64_t count = share_of(key);
  const Violation v = pick_violation(count);
  const std::uint64_t trace = next_trace_++;
  slot.key = key;
  slot.head_size = slot.pos = 0;
  auto add = [&](EventType type, std::int64_t attempts, bool with_value) {
    slot.head[slot.head_size++] = PlannedEvent{type, key, attempts, with_value, trace};
  };
  // Spans the violation itself adds before or after the conforming script.
  const std::int64_t extra =
      v == Violation::duplicate_before_success || v == Violation::multiple_success ? 1 : 0;
  const std::int64_t most = std::min<std::int64_t>(3, static_cast<std::int64_t>(count) - 1 - extra);
  std::int64_t retries = v == Violation::retry_bound_exceeded ? 4 : pick_retries(most);
  if (v == Violation::retry_attempt_out_of_sequence) retries = std::max<std::int64_t>(retries, 1);

  if (v == Violation::duplicate_before_success) add(EventType::failure, 1, false);
  for (std::int64_t i = 1; i <= retries; ++i) {
    const bool skip_one = v == Violation::retry_attempt_out_of_sequence && i == 1;
    add(EventType::retry, skip_one ? 2 : i, false);
  }
  std::int64_t attempts = retries + 1;
  if (v == Violation::success_attempt_mismatch) attempts = retries + 2;
  if (v == Violation::success_context_missing) attempts = -1;
  add(EventType::success, attempts, v != Violation::success_without_value);
  if (v == Violation::multiple_success) add(EventType::success, retries + 1, true);
  slot.tail = count - slot.head_size;
}

bool Schedule::next(PlannedEvent& out) {
  if (active_.empty()) return false;
  const std::size_t i = static_cast<std::size_t>(rng_.below(active_.size()));
  Active& slot = active_[i];
  if (slot.pos < slot.head_size) {
    out = slot.head[slot.pos++];
  } else {
    // A later write of a written key: its own trace, refused as a duplicate.
    out = PlannedEvent{EventType::failure, slot.key, 1, false, next_trace_++};
    --slot.tail;
  }
  if (slot.pos == slot.head_size && slot.tail == 0) {
    if (next_key_ < options_.keys) {
      activate(slot, next_key_++);
    } else {
      slot = active_.back();
      active_.pop_back();
    }
  }
  return true;
}

}  // namespace kvonce::bench

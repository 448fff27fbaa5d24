// Profile `spec`: replays the events against per-key state {written, retries}, checking the
// safety properties of the KvOnce TLA+ model and the collector's attempts contract:
//
//   Put     (success) only when the key is not written      -> multiple-success
//           and with a value (a written key has a value)     -> success-without-value
//   Retry   only while retries < MAX_RETRIES                 -> retry-bound-exceeded
//   Failure "duplicate" only when the key is written         -> duplicate-before-success
//   retry i carries attempts = i                             -> retry-context-missing,
//                                                               retry-attempt-out-of-sequence
//   success carries attempts = retries + 1                   -> success-context-missing,
//                                                               success-attempt-mismatch
//   type is exactly success, retry or failure                -> unknown-event-type
//   every event names its key with a JSON string            -> key-missing, key-not-string
//   every event has a time                                  -> timestamp-missing
//
// An event without a string key belongs to no key: it is reported under the key's JSON text
// ("null" when it has none) and judged no further, so its issue is never mistaken for one of a
// string key with the same text. An event without a time is still replayed where the order puts
// it.
//
// One pass, O(1) work per event, memory per key only.
//
// Under real-time judging (rules/realtime_order.hpp) the order-dependent rules
// (duplicate-before-success, retry-attempt-out-of-sequence, success-attempt-mismatch) are not
// checked event by event: a key raises one of them, once, exactly when no order that extends
// real-time precedence replays cleanly. The other rules are checked in verification order.
// The replay still follows the order-dependent rules, silently, and checks that the order
// extends real-time precedence: a key that passes both is in a witness order and conforms, so
// only the other keys (none, in a valid trace already in real-time order) are judged.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/rules/attempt.hpp"
#include "kvonce/rules/realtime_order.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/util/key_index.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::rules {
namespace {

struct KeyState {
  bool written = false;
  std::int64_t retries = 0;
  IssueSlots slots{};
  // Real-time judging only: the latest widened start so far, and whether the key's order so far
  // may not be a witness (an order-dependent rule, or real-time precedence, broken).
  Nanos latest_start = -kBeyondAllTimes;
  bool suspect = false;
};

bool is_type(const EventView& e, std::string_view type) {
  return has_type(e, type);
}

std::string type_text(const EventView& e) {
  switch (e.type_form) {
    case FieldForm::text: return "event type " + json_quote(e.type);
    case FieldForm::json: return "event type " + std::string(e.type);
    case FieldForm::missing: break;
  }
  return "event type null";
}

class SpecChecker {
 public:
  explicit SpecChecker(std::int64_t max_retries, std::optional<std::uint64_t> skew_ns = {})
      : max_retries_(max_retries),
        by_real_time_(skew_ns.has_value()),
        skew_ns_(skew_ns.value_or(0)) {}

  void check(std::uint64_t index, const EventView& e) {
    index_ = index;
    event_ = &e;
    if (e.key_form != FieldForm::text) {
      if (by_real_time_) key_of_.push_back(kNoKey);
      return keyless();
    }
    key_ = e.key;
    const auto [key, fresh] = keys_.insert(e.key);
    if (fresh) states_.emplace_back();
    KeyState& state = states_[key];
    if (by_real_time_) {
      key_of_.push_back(static_cast<std::uint32_t>(key));
      follow_real_time(state);
    }
    timestamp(state.slots);
    if (is_type(e, "success")) {
      success(state);
    } else if (is_type(e, "retry")) {
      retry(state);
    } else if (is_type(e, "failure")) {
      failure(state);
    } else {
      unknown_type(state.slots);
    }
  }

 public:
  VerifyResult finish(const EventStore& events) {
    if (by_real_time_) add_realtime_issues(events);
    return VerifyResult{issues_.finish(), keys_.size() + keyless_.size(), keyless_.size() == 0};
  }

 private:
  // An event whose key is absent, null or not a string: reported, and judged no further.
  void keyless() {
    const bool missing = event_->key_form == FieldForm::missing;
    key_ = missing ? std::string_view("null") : event_->key;
    const auto [at, fresh] = keyless_.insert(key_);
    if (fresh) keyless_slots_.emplace_back();
    IssueSlots& slots = keyless_slots_[at];
    if (missing) {
      report(slots, IssueType::key_missing, [] { return std::string("event carries no key"); });
    } else {
      report(slots, IssueType::key_not_string,
             [&] { return "key " + std::string(key_) + " is not a JSON string"; });
    }
  }

  void timestamp(IssueSlots& slots) {
    if (event_->timed) return;
    report(slots, IssueType::timestamp_missing,
           [] { return std::string("event carries no valid timestamp"); });
  }

  void unknown_type(IssueSlots& slots) {
    report(slots, IssueType::unknown_event_type,
           [&] { return type_text(*event_) + " is not success, retry or failure"; });
  }

  void success(KeyState& s) {
    if (s.written) {
      report(s, IssueType::multiple_success,
             [] { return std::string("success on a key already written"); });
    }
    if (!event_->value || *event_->value == "null") {
      report(s, IssueType::success_without_value,
             [] { return std::string("success carries no value"); });
    }
    const auto attempt = spec_attempt(event_->context);
    const std::int64_t expected = s.retries + 1;
    if (!attempt) {
      report(s, IssueType::success_context_missing,
             [] { return std::string("success carries no integer attempts in its context"); });
    } else if (!(*attempt == expected)) {
      if (by_real_time_) {
        s.suspect = true;
      } else {
        report(s, IssueType::success_attempt_mismatch, [&] {
          return "success carries attempts " + attempt->text + ", expected " +
                 std::to_string(expected) + " after " + std::to_string(s.retries) + " retries";
        });
      }
    }
    s.written = true;
  }

  void retry(KeyState& s) {
    const std::int64_t nth = s.retries + 1;
    if (s.retries >= max_retries_) {
      report(s, IssueType::retry_bound_exceeded, [&] {
        return "retry " + std::to_string(nth) + " exceeds max retries " +
               std::to_string(max_retries_);
      });
    }
    const auto attempt = spec_attempt(event_->context);
    if (!attempt) {
      report(s, IssueType::retry_context_missing, [&] {
        return "retry " + std::to_string(nth) + " carries no integer attempts in its context";
      });
    } else if (!(*attempt == nth)) {
      if (by_real_time_) {
        s.suspect = true;
      } else {
        report(s, IssueType::retry_attempt_out_of_sequence, [&] {
          return "retry " + std::to_string(nth) + " carries attempts " + attempt->text +
                 ", expected " + std::to_string(nth);
        });
      }
    }
    s.retries = nth;
  }

  void failure(KeyState& s) {
    if (s.written || !is_duplicate_failure(*event_)) return;
    if (by_real_time_) {
      s.suspect = true;
    } else {
      report(s, IssueType::duplicate_before_success,
             [] { return std::string("failure with reason duplicate on a key not yet written"); });
    }
  }

  // An event that ends (widened) before an earlier event of its key starts breaks real time.
  void follow_real_time(KeyState& s) {
    const Interval w = widen(event_->timed, event_->time_ns, event_->end(), skew_ns_);
    if (w.end < s.latest_start) s.suspect = true;
    s.latest_start = std::max(s.latest_start, w.start);
  }

  // Judges the suspect keys and puts their issues among the others, by event index (after the
  // ones of the same event, as if reported right after it).
  void add_realtime_issues(const EventStore& events) {
    std::vector<std::uint32_t> slot(states_.size(), kNoKey);
    std::vector<std::vector<std::uint32_t>> positions;
    for (std::size_t k = 0; k < states_.size(); ++k) {
      if (!states_[k].suspect) continue;
      slot[k] = static_cast<std::uint32_t>(positions.size());
      positions.emplace_back();
    }
    if (positions.empty()) return;
    for (std::uint32_t i = 0; i < key_of_.size(); ++i) {
      if (key_of_[i] != kNoKey && slot[key_of_[i]] != kNoKey)
        positions[slot[key_of_[i]]].push_back(i);
    }
    std::vector<Issue>& list = issues_.issues();
    for (RealtimeIssue& found : judge_keys(events, positions, skew_ns_)) {
      const EventView e = events[found.at];
      Issue issue{std::string(e.key),
                  found.type,
                  std::move(found.message),
                  found.at,
                  e.time_ns,
                  std::string(e.trace_id),
                  1,
                  e.timed,
                  std::string(e.span_id)};
      const auto at = std::upper_bound(
          list.begin(), list.end(), issue.event_index,
          [](std::uint64_t index, const Issue& other) { return index < other.event_index; });
      list.insert(at, std::move(issue));
    }
  }

  template <typename MakeMessage>
  void report(KeyState& s, IssueType type, MakeMessage make) {
    report(s.slots, type, make);
  }
  template <typename MakeMessage>
  void report(IssueSlots& slots, IssueType type, MakeMessage make) {
    issues_.report(slots, type, key_, index_, *event_, make);
  }

  static constexpr std::uint32_t kNoKey = 0xffffffff;
  std::int64_t max_retries_;
  bool by_real_time_;
  std::uint64_t skew_ns_;
  std::vector<std::uint32_t> key_of_;      // real time: each event's key index, kNoKey if keyless
  KeyIndex keys_;                          // views into the event store
  std::vector<KeyState> states_;           // by key index
  KeyIndex keyless_;                       // the key's JSON text, or "null"
  std::vector<IssueSlots> keyless_slots_;  // by keyless_ index
  std::string_view key_;                   // the key issues are reported under
  IssueList issues_;
  std::uint64_t index_ = 0;
  const EventView* event_ = nullptr;
};

}  // namespace

VerifyResult verify_spec(const EventStore& events, std::int64_t max_retries) {
  SpecChecker checker(max_retries);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const EventView e = events[i];
    checker.check(i, e);
  }
  return checker.finish(events);
}

VerifyResult verify_spec_realtime(const EventStore& events, std::int64_t max_retries,
                                  std::uint64_t skew_ns) {
  SpecChecker checker(max_retries, skew_ns);
  for (std::size_t i = 0; i < events.size(); ++i) {
    const EventView e = events[i];
    checker.check(i, e);
  }
  return checker.finish(events);
}

}  // namespace kvonce::rules

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
//
// One pass, O(1) work per event, memory per key only.
#include <vector>

#include "kvonce/json/reader.hpp"
#include "kvonce/rules/attempt.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/util/key_index.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::rules {
namespace {

struct KeyState {
  bool written = false;
  std::int64_t retries = 0;
  IssueSlots slots{};
};

bool is_duplicate_reason(const std::optional<std::string_view>& reason_json) {
  if (!reason_json || reason_json->size() < 2 || reason_json->front() != '"') return false;
  json::Reader r(*reason_json, {});
  return to_lower_ascii(trim(r.string())) == "duplicate";
}

std::string attempt_text(std::optional<std::int64_t> a) {
  return a ? std::to_string(*a) : std::string("none");
}

class SpecChecker {
 public:
  explicit SpecChecker(std::int64_t max_retries) : max_retries_(max_retries) {}

  void check(std::uint64_t index, const EventView& e) {
    index_ = index;
    event_ = &e;
    const auto [key, fresh] = keys_.insert(e.key);
    if (fresh) states_.emplace_back();
    KeyState& state = states_[key];
    if (e.type == "success") {
      success(state);
    } else if (e.type == "retry") {
      retry(state);
    } else if (e.type == "failure") {
      failure(state);
    } else {
      report(state, IssueType::unknown_event_type, [&] {
        return "event type " + json_quote(e.type) + " is not success, retry or failure";
      });
    }
  }

  VerifyResult finish() { return VerifyResult{issues_.finish(), keys_.size()}; }

 private:
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
    } else if (*attempt != expected) {
      report(s, IssueType::success_attempt_mismatch, [&] {
        return "success carries attempts " + attempt_text(attempt) + ", expected " +
               std::to_string(expected) + " after " + std::to_string(s.retries) + " retries";
      });
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
    } else if (*attempt != nth) {
      report(s, IssueType::retry_attempt_out_of_sequence, [&] {
        return "retry " + std::to_string(nth) + " carries attempts " + attempt_text(attempt) +
               ", expected " + std::to_string(nth);
      });
    }
    s.retries = nth;
  }

  void failure(KeyState& s) {
    if (!s.written && is_duplicate_reason(event_->reason)) {
      report(s, IssueType::duplicate_before_success,
             [] { return std::string("failure with reason duplicate on a key not yet written"); });
    }
  }

  template <typename MakeMessage>
  void report(KeyState& s, IssueType type, MakeMessage make) {
    issues_.report(s.slots, type, event_->key, index_, event_->time_ns, event_->trace_id, make);
  }

  std::int64_t max_retries_;
  KeyIndex keys_;                 // views into the event store
  std::vector<KeyState> states_;  // by key index
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
  return checker.finish();
}

}  // namespace kvonce::rules

// Profile `compat`: exactly the verdicts of the JavaScript validator this tool replaces, for teams
// migrating. It judges per-key aggregates, not order. Quirks kept on purpose:
//   - duplicate-without-success needs a reason exactly "duplicate" (case-sensitive, untrimmed)
//     and fires only when the key has no success at all, before or after;
//   - retries without a context are ignored by the attempt rules; a context of null counts as a
//     context without an attempt;
//   - "attempt" wins over "attempts", any number counts (1.5 too), strings are not parsed;
//   - retry-attempt-out-of-sequence is checked only when no retry context lacks an attempt;
//   - success-attempt-mismatch is checked only when some retry has a context, against the first
//     success that carries a numeric attempt;
//   - unknown event types are not issues;
//   - keys are reported in JavaScript object order: integer-like keys first, ascending.
// Messages are the validator's own. Each issue is located at its first offending event.
#include <algorithm>

#include "kvonce/rules/attempt.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/util/key_index.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::rules {
namespace {

constexpr std::uint64_t kNone = UINT64_MAX;

struct KeyTotals {
  std::string_view key;
  std::uint64_t successes = 0, retries = 0, retry_contexts = 0;
  std::uint64_t second_success = kNone, first_duplicate = kNone, first_excess_retry = kNone;
  std::uint64_t first_missing = kNone;          // retry context without an attempt
  std::uint64_t first_out_of_sequence = kNone;  // retry context with attempt != i
  double out_of_sequence_attempt = 0, out_of_sequence_expected = 0;
  std::uint64_t first_success_attempt_at = kNone;  // success with a numeric attempt
  double success_attempt = 0;
};

// JavaScript orders integer-like property names (canonical array indices) first, ascending.
bool array_index(std::string_view key, std::uint64_t& value) {
  if (key.empty() || key.size() > 10 || (key.size() > 1 && key[0] == '0')) return false;
  value = 0;
  for (const char c : key) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return value < 4294967295ULL;
}

void accumulate(KeyTotals& t, std::uint64_t i, const EventView& e, std::int64_t max_retries) {
  if (e.type == "success") {
    if (++t.successes == 2) t.second_success = i;
    if (t.first_success_attempt_at == kNone) {
      if (const auto a = compat_attempt(e.context)) {
        t.first_success_attempt_at = i;
        t.success_attempt = *a;
      }
    }
  } else if (e.type == "retry") {
    if (++t.retries == static_cast<std::uint64_t>(max_retries) + 1) t.first_excess_retry = i;
    if (!e.context) return;
    ++t.retry_contexts;
    const auto a = compat_attempt(e.context);
    if (!a) {
      if (t.first_missing == kNone) t.first_missing = i;
    } else if (*a != static_cast<double>(t.retry_contexts) && t.first_out_of_sequence == kNone) {
      t.first_out_of_sequence = i;
      t.out_of_sequence_attempt = *a;
      t.out_of_sequence_expected = static_cast<double>(t.retry_contexts);
    }
  } else if (e.type == "failure") {
    if (e.reason && *e.reason == "\"duplicate\"" && t.first_duplicate == kNone) {
      t.first_duplicate = i;
    }
  }
}

void report(IssueList& issues, IssueSlots& slots, const EventStore& events, const KeyTotals& t,
            IssueType type, std::uint64_t at, std::string message) {
  const EventView e = events[at];
  issues.report(slots, type, t.key, at, e.time_ns, e.trace_id, [&] { return message; });
}

void judge(IssueList& issues, const EventStore& events, const KeyTotals& t,
           std::int64_t max_retries) {
  IssueSlots slots{};
  if (t.successes > 1) {
    report(issues, slots, events, t, IssueType::multiple_success, t.second_success,
           "success appeared " + std::to_string(t.successes) + " times");
  }
  if (t.first_duplicate != kNone && t.successes == 0) {
    report(issues, slots, events, t, IssueType::duplicate_without_success, t.first_duplicate,
           "duplicate failure emitted before any success");
  }
  if (t.first_excess_retry != kNone) {
    report(issues, slots, events, t, IssueType::retry_bound_exceeded, t.first_excess_retry,
           "retry count " + std::to_string(t.retries) + " exceeded MAX_RETRIES " +
               std::to_string(max_retries));
  }
  if (t.retry_contexts == 0) return;
  if (t.first_missing != kNone) {
    report(issues, slots, events, t, IssueType::retry_context_missing, t.first_missing,
           "retry event missing attempt number in context");
  } else if (t.first_out_of_sequence != kNone) {
    report(issues, slots, events, t, IssueType::retry_attempt_out_of_sequence,
           t.first_out_of_sequence,
           "retry attempt " + format_number(t.out_of_sequence_attempt) + " expected " +
               format_number(t.out_of_sequence_expected));
  }
  if (t.first_success_attempt_at != kNone &&
      t.success_attempt != static_cast<double>(t.retry_contexts + 1)) {
    report(issues, slots, events, t, IssueType::success_attempt_mismatch,
           t.first_success_attempt_at,
           "success attempt " + format_number(t.success_attempt) + " inconsistent with " +
               std::to_string(t.retry_contexts) + " retries");
  }
}

}  // namespace

VerifyResult verify_compat(const EventStore& events, std::int64_t max_retries) {
  std::vector<KeyTotals> totals;
  KeyIndex slot_of;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const EventView e = events[i];
    const auto [slot, fresh] = slot_of.insert(e.key);
    if (fresh) {
      totals.emplace_back();
      totals.back().key = e.key;
    }
    accumulate(totals[slot], i, e, max_retries);
  }
  // JavaScript property order: array-index keys ascending, then insertion order.
  std::stable_sort(totals.begin(), totals.end(), [](const KeyTotals& a, const KeyTotals& b) {
    std::uint64_t x = 0, y = 0;
    const bool ax = array_index(a.key, x), by = array_index(b.key, y);
    if (ax != by) return ax;
    return ax && x < y;
  });
  IssueList issues;
  for (const KeyTotals& t : totals) judge(issues, events, t, max_retries);
  // The validator's messages already carry their counts.
  return VerifyResult{std::move(issues.issues()), totals.size()};
}

}  // namespace kvonce::rules

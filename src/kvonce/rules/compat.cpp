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
//   - unknown event types are not issues; a type is one of the three only as that exact string;
//   - keys are JavaScript's (compat_key.hpp): null and absent keys are "unknown", the number 10
//     and the string "10" are separate entries of which only the later-made one is judged;
//   - keys are reported in JavaScript object order: integer-like keys first, ascending;
//   - numbers are JavaScript's: read as JSON.parse reads them, Infinity turns into null, and
//     messages print them as String(number) does.
// Messages are the validator's own. Each issue is located at its first offending event.
#include <algorithm>
#include <deque>

#include "kvonce/rules/attempt.hpp"
#include "kvonce/rules/compat_key.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/util/js_number.hpp"
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

bool is_type(const EventView& e, std::string_view type) {
  return e.type_form == FieldForm::text && e.type == type;
}

void accumulate(KeyTotals& t, std::uint64_t i, const EventView& e, std::int64_t max_retries) {
  if (is_type(e, "success")) {
    if (++t.successes == 2) t.second_success = i;
    if (t.first_success_attempt_at == kNone) {
      if (const auto a = compat_attempt(e.context)) {
        t.first_success_attempt_at = i;
        t.success_attempt = *a;
      }
    }
  } else if (is_type(e, "retry")) {
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
  } else if (is_type(e, "failure")) {
    if (e.reason && *e.reason == "\"duplicate\"" && t.first_duplicate == kNone) {
      t.first_duplicate = i;
    }
  }
}

void report(IssueList& issues, IssueSlots& slots, const EventStore& events, const KeyTotals& t,
            IssueType type, std::uint64_t at, std::string message) {
  const EventView e = events[at];
  issues.report(slots, type, t.key, at, e, [&] { return message; });
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
           "retry attempt " + js_number_to_string(t.out_of_sequence_attempt) + " expected " +
               js_number_to_string(t.out_of_sequence_expected));
  }
  if (t.first_success_attempt_at != kNone &&
      t.success_attempt != static_cast<double>(t.retry_contexts + 1)) {
    report(issues, slots, events, t, IssueType::success_attempt_mismatch,
           t.first_success_attempt_at,
           "success attempt " + js_number_to_string(t.success_attempt) + " inconsistent with " +
               std::to_string(t.retry_contexts) + " retries");
  }
}

// The projector's Map: one entry per key identity, in order of first sight.
class KeyEntries {
 public:
  KeyTotals& entry_for(const EventView& e) {
    if (e.key_form == FieldForm::json) return other(e);
    const std::string_view text = e.key_form == FieldForm::text ? e.key : "unknown";
    const auto [slot, fresh] = strings_.insert(text);
    if (fresh) {
      string_entry_.push_back(static_cast<std::uint32_t>(totals_.size()));
      totals_.emplace_back().key = text;
    }
    return totals_[string_entry_[slot]];
  }

  // Object.fromEntries: entries named alike collapse into the first one's place, holding the
  // last one's totals. Only a non-string key can share a name with another entry.
  std::vector<KeyTotals> members() && {
    if (names_.empty()) return std::move(totals_);
    std::vector<KeyTotals> out;
    KeyIndex at;  // numbers names in order of first sight: a name's index is its place in out
    for (KeyTotals& t : totals_) {
      const auto [place, fresh] = at.insert(t.key);
      if (fresh) {
        out.push_back(t);
      } else {
        out[place] = t;
      }
    }
    return out;
  }

 private:
  KeyTotals& other(const EventView& e) {
    CompatKey key = compat_key(e.key_form, e.key);
    names_.push_back(std::move(key.name));
    if (!key.identity.empty()) {
      identities_.push_back(std::move(key.identity));
      const auto [slot, fresh] = others_.insert(identities_.back());
      if (!fresh) {
        identities_.pop_back();
        names_.pop_back();
        return totals_[other_entry_[slot]];
      }
      other_entry_.push_back(static_cast<std::uint32_t>(totals_.size()));
    }
    totals_.emplace_back().key = names_.back();
    return totals_.back();
  }

  std::vector<KeyTotals> totals_;
  KeyIndex strings_;  // string keys (views into the event store)
  std::vector<std::uint32_t> string_entry_;
  KeyIndex others_;                     // numbers and booleans, tagged (views into identities_)
  std::deque<std::string> identities_;  // stable
  std::vector<std::uint32_t> other_entry_;
  std::deque<std::string> names_;  // names of non-string keys (stable)
};

}  // namespace

VerifyResult verify_compat(const EventStore& events, std::int64_t max_retries) {
  KeyEntries entries;
  for (std::size_t i = 0; i < events.size(); ++i) {
    const EventView e = events[i];
    accumulate(entries.entry_for(e), i, e, max_retries);
  }
  std::vector<KeyTotals> totals = std::move(entries).members();
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

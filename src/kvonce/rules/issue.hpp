// Rule violations and how they are collected: one issue per (key, type), located at the first
// offending event, counting every further offence.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/event/event.hpp"

namespace kvonce::rules {

enum class IssueType : std::uint8_t {
  unknown_event_type,
  multiple_success,
  success_without_value,
  duplicate_before_success,
  duplicate_without_success,  // compat's name for the aggregate form of the rule above
  retry_bound_exceeded,
  retry_context_missing,
  retry_attempt_out_of_sequence,
  success_context_missing,
  success_attempt_mismatch,
  key_missing,        // spec: an event without a key (absent or null)
  key_not_string,     // spec: an event whose key is a JSON value other than a string
  timestamp_missing,  // spec: an event without a valid timestamp
  count_,
};
inline constexpr std::size_t kIssueTypes = static_cast<std::size_t>(IssueType::count_);

const char* to_string(IssueType type);

struct Issue {
  std::string key;
  IssueType type;
  std::string message;            // includes the number of offending events
  std::uint64_t event_index = 0;  // first offending event, in verification order
  std::uint64_t time_ns = 0;
  std::string trace_id;
  std::uint64_t count = 1;
  bool timed = true;    // false: the offending event has no time (its timestamp prints as null)
  std::string span_id;  // of the offending event; "" when it carried none
};

// Per-key slots that find an existing issue of a type in O(1).
using IssueSlots = std::array<std::uint32_t, kIssueTypes>;  // index + 1; 0 = none yet

class IssueList {
 public:
  // Records an offence: the first creates the issue (message from make_message), later ones
  // count. Returns true for the first.
  template <typename MakeMessage>
  bool report(IssueSlots& slots, IssueType type, std::string_view key, std::uint64_t event_index,
              const EventView& event, MakeMessage make_message) {
    std::uint32_t& slot = slots[static_cast<std::size_t>(type)];
    if (slot != 0) {
      ++issues_[slot - 1].count;
      return false;
    }
    issues_.push_back(Issue{std::string(key), type, make_message(), event_index, event.time_ns,
                            std::string(event.trace_id), 1, event.timed,
                            std::string(event.span_id)});
    slot = static_cast<std::uint32_t>(issues_.size());
    return true;
  }
  // Appends "(N occurrences)" to each message and hands the issues over.
  std::vector<Issue> finish();
  std::vector<Issue>& issues() { return issues_; }

 private:
  std::vector<Issue> issues_;
};

}  // namespace kvonce::rules

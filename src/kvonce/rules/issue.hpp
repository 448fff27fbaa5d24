// Rule violations and how they are collected: one issue per (key, type), located at the first
// offending event, counting every further offence.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/event/event.hpp"
#include "kvonce/rules/issue_type.hpp"

namespace kvonce::rules {

struct Issue {
  std::string key;
  IssueType type;
  std::string message;            // includes the number of offending events
  std::uint64_t event_index = 0;  // first offending event, in verification order
  Nanos time_ns = 0;
  std::string trace_id;
  std::uint64_t count = 1;
  bool timed = true;    // false: the offending event has no time (its timestamp prints as null)
  std::string span_id;  // of the offending event; "" when it carried none
  // The key's story (rules/history.hpp): indices of its last events up to and including
  // event_index, oldest first; filled after verification, empty before.
  std::vector<std::uint64_t> history = {};
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

#include "kvonce/rules/issue.hpp"

namespace kvonce::rules {

const char* to_string(IssueType type) {
  switch (type) {
    case IssueType::unknown_event_type: return "unknown-event-type";
    case IssueType::multiple_success: return "multiple-success";
    case IssueType::success_without_value: return "success-without-value";
    case IssueType::duplicate_before_success: return "duplicate-before-success";
    case IssueType::duplicate_without_success: return "duplicate-without-success";
    case IssueType::retry_bound_exceeded: return "retry-bound-exceeded";
    case IssueType::retry_context_missing: return "retry-context-missing";
    case IssueType::retry_attempt_out_of_sequence: return "retry-attempt-out-of-sequence";
    case IssueType::success_context_missing: return "success-context-missing";
    case IssueType::success_attempt_mismatch: return "success-attempt-mismatch";
    case IssueType::key_missing: return "key-missing";
    case IssueType::key_not_string: return "key-not-string";
    case IssueType::timestamp_missing: return "timestamp-missing";
    case IssueType::count_: break;
  }
  return "unknown";
}

std::vector<Issue> IssueList::finish() {
  for (Issue& issue : issues_) {
    issue.message +=
        " (" + std::to_string(issue.count) + (issue.count == 1 ? " occurrence)" : " occurrences)");
  }
  return std::move(issues_);
}

}  // namespace kvonce::rules

#include "kvonce/rules/issue.hpp"

namespace kvonce::rules {

std::vector<Issue> IssueList::finish() {
  for (Issue& issue : issues_) {
    issue.message +=
        " (" + std::to_string(issue.count) + (issue.count == 1 ? " occurrence)" : " occurrences)");
  }
  return std::move(issues_);
}

}  // namespace kvonce::rules

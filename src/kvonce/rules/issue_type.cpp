#include "kvonce/rules/issue_type.hpp"

namespace kvonce::rules {

const char* to_string(IssueType type) {
  // The names are string literals, so each row's name is NUL-terminated.
  return static_cast<std::size_t>(type) < kIssueTypes ? row_of(type).name.data() : "unknown";
}

}  // namespace kvonce::rules

// Issue histories in the Markdown reports: a collapsed <details> block with a small table for each
// issue of the issue table, below it. Histories are the first thing a report drops when it runs
// out of room: every issue row that fits without them is kept, and histories are added in row
// order while the document stays within its budget (so the last issues lose theirs first).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "kvonce/report/issue_merge.hpp"
#include "kvonce/report/model.hpp"

namespace kvonce::report {

// The block for one issue: "History of <key> (rule, N events)" and a table whose trace cells link
// like the issue table's; "" when the issue has no history.
std::string history_details(const Report& report, const IssueEntry& issue);

// What goes below the issue table: the histories of its first `shown` rows, in order, within
// `room` bytes; stops at the first that does not fit.
std::string histories_markdown(const Report& report, const MergedIssues& merged, std::size_t shown,
                               std::size_t room);

}  // namespace kvonce::report

// Issue histories in the Markdown reports: a collapsed <details> block with a small table under
// each issue line. Histories are the first thing a report drops when it runs out of room: every
// issue line that fits without them is kept, and histories are added in issue order while the
// document stays within its budget (so the last issues lose theirs first).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/report/model.hpp"

namespace kvonce::report {

// The block for one issue, each line indented by `indent` plus two spaces (inside the issue's
// list item); "" when the issue has no history.
std::string history_details(const IssueEntry& issue, std::string_view indent);

// `line_ends[i]` is where the line of m.issues[i] ends in `out`: inserts the histories there, in
// order, while `out` stays within max_size bytes, and stops at the first that does not fit.
void insert_histories(std::string& out, const std::vector<IssueEntry>& issues,
                      const std::vector<std::size_t>& line_ends, std::size_t max_size,
                      std::string_view indent);

// Text inside HTML (the <summary>): & < > " ' as entities, control characters as spaces, and no
// '@' that could start a mention.
std::string html_text(std::string_view s, std::size_t max_bytes);

}  // namespace kvonce::report

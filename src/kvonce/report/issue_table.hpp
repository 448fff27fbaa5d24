// The issues as one Markdown table for every report: rule, key, what, when, trace (a link when a
// template is set), and the modes column only when the modes disagree. Above it, the verdict in
// one line.
#pragma once

#include <cstddef>
#include <string>

#include "kvonce/report/issue_merge.hpp"
#include "kvonce/report/model.hpp"

namespace kvonce::report {

// "❌ **Invalid**: both modes report the same 4 issues", "✅ **Valid**: no issues in otlp or
// ndjson", "❌ **Invalid**: the modes disagree: 3 issues in both, 1 only in otlp".
std::string verdict_line(const Report& report, const MergedIssues& merged);

// The trace cell of an issue: its trace id as code, a link to the trace when the report has a
// template and the ids it needs; "–" without a trace id.
std::string trace_cell(const Report& report, const IssueEntry& issue);

// "2025-10-09 08:53:21.000Z" for an ISO 8601 time, "–" for none: with a space in place of the
// 'T', a narrow column wraps between date and time rather than inside the date.
std::string when_text(std::string_view timestamp);

// s as a code span that is safe in a table cell too ('|' escaped as GFM requires).
std::string cell_code(std::string_view s, std::size_t max_bytes);

// Rows to show for `per_mode` issues per mode: `per_mode` when the modes agree (each row is in
// every mode), else that many per judged mode, so each mode can still show `per_mode` of its own.
std::size_t rows_limit(const MergedIssues& merged, std::size_t per_mode);

// Appends the table with up to `limit` rows while `out` stays within `max_size`, then one line
// per mode for its issues not shown ("… N more (see otlp/kvonce-validation.json)"). Nothing when
// there are no issues. Returns the rows shown.
std::size_t append_issue_table(std::string& out, const Report& report, const MergedIssues& merged,
                               std::size_t limit, std::size_t max_size);

}  // namespace kvonce::report

// Writers: the report model -> the documents people read in CI. Each returns the whole text, so
// the caller decides where it goes (a file written atomically, an appended file, an API call).
//
// Size limits (GitHub's, with room to spare): a Step Summary may hold 1 MiB per step, a comment
// body 65,536 characters, a Check Run's output summary and text 65,535 characters each. The
// writers count bytes, which are never fewer than characters, and stay under the *MaxBytes
// budgets below whatever the number or length of the issues.
#pragma once

#include <cstddef>
#include <string>

#include "kvonce/github/checks.hpp"
#include "kvonce/report/model.hpp"

namespace kvonce::report {

inline constexpr const char* kCommentMarker = "<!-- kvonce-trace-summary -->";
inline constexpr const char* kTitle = "KvOnce Trace Validation";
inline constexpr std::size_t kStepSummaryMaxBytes = 128 * 1024;
inline constexpr std::size_t kCommentMaxBytes = 60'000;
inline constexpr std::size_t kCheckRunMaxBytes = 60'000;  // summary and text each
inline constexpr std::size_t kCommentMaxIssues = 10;

// The Step Summary section: payload, the table `mode | verdict | events | keys | issues`, then
// per mode with something to say its first max_issues issues, warnings or error.
std::string step_summary_markdown(const Report& report, std::size_t max_issues);

// The PR comment body: the marker, the heading, one line per mode with up to
// min(max_issues, 10) issues below it, and the payload sha256.
std::string pr_comment_markdown(const Report& report, std::size_t max_issues);

// What a Check Run shows: the mode lines and the payload in the summary, as in the comment; the
// issues, as many as fit, in the text.
using CheckRunContent = github::CheckRunOutput;
CheckRunContent check_run_content(const Report& report);

// The step outputs as `name=value` lines: valid_otlp, issues_otlp, valid_ndjson, issues_ndjson
// (true/false/missing/error; a count or N/A), then valid (true/false/missing).
std::string github_outputs_text(const Report& report);

// One `name=value` line, or the heredoc form `name<<DELIM` ... `DELIM` when the value holds a
// newline (DELIM random and absent from the value).
std::string github_output_entry(const std::string& name, const std::string& value);

// The short console summary: one line per mode.
std::string console_text(const Report& report);

}  // namespace kvonce::report

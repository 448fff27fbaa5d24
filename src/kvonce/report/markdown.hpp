// Markdown building blocks shared by the Step Summary, PR comment and Check Run writers.
//
// Keys, messages, trace ids and error texts come from the traces, so they are untrusted: md_text()
// and md_code() make any of them inert (no HTML, no links, no table cells broken by '|', no
// @-mentions, no math) and bounded in length. Every writer also keeps its document under a
// byte budget: append_issue_table() stops adding issues before the budget runs out and says how
// many it left out.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "kvonce/report/model.hpp"

namespace kvonce::report {

// Longest key, trace id and message shown, in bytes of the source text.
inline constexpr std::size_t kMaxKeyBytes = 200;
inline constexpr std::size_t kMaxMessageBytes = 600;
inline constexpr std::size_t kMaxErrorBytes = 600;

// At most max_bytes of s, cut on a UTF-8 character boundary, with "…" appended when cut.
std::string truncate_utf8(std::string_view s, std::size_t max_bytes);

// s as inline Markdown text that renders literally: control characters become spaces, & < >
// become entities, Markdown punctuation is backslash-escaped and '@' cannot start a mention.
std::string md_text(std::string_view s, std::size_t max_bytes = kMaxMessageBytes);

// s as a code span (for keys and trace ids). Not for table cells.
std::string md_code(std::string_view s, std::size_t max_bytes = kMaxKeyBytes);

// "✅", "❌" or "⚠️".
const char* status_icon(ModeStatus status);
// "✅ valid", "❌ invalid", "⚠️ missing", "❌ error".
std::string verdict_text(ModeStatus status);
// The number, or "–" when unknown.
std::string count_text(const std::optional<std::uint64_t>& n);
// "1 issue", "4 issues".
std::string issues_text(std::uint64_t n);

// The line of one mode, e.g. "✅ **otlp**: valid, 0 issues (6 events, 3 keys)".
std::string mode_line(const ModeResult& m);

// Appends `line` when `out` stays within max_size; returns whether it did.
bool append_bounded(std::string& out, std::string_view line, std::size_t max_size);

// The payload line: "sample `embedded:...` · sha256 `ab12…` · 9154 bytes", or why there is none.
std::string payload_text(const PayloadSummary& payload);

// Text inside HTML (the <summary>): & < > " ' as entities, control characters as spaces, and no
// '@' that could start a mention.
std::string html_text(std::string_view s, std::size_t max_bytes);

}  // namespace kvonce::report

// Escaping, code spans and budgeted issue lists for the Markdown writers.
#include "kvonce/report/markdown.hpp"

#include <algorithm>
#include <cctype>
#include <vector>

#include "kvonce/fetch/metadata.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::report {
namespace {

constexpr std::string_view kEllipsis = "…";

bool is_control(unsigned char c) {
  return c < 0x20 || c == 0x7f;
}

}  // namespace

std::string truncate_utf8(std::string_view s, std::size_t max_bytes) {
  if (s.size() <= max_bytes) return std::string(s);
  std::size_t cut = max_bytes;
  // Step back over continuation bytes (10xxxxxx) to the start of the character that did not fit.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + std::string(kEllipsis);
}

namespace {

// Where a URL that GitHub would turn into a link by itself starts at or after `from`: a
// "scheme://" (the scheme's letters before it) or "www.", matched case-insensitively.
std::size_t autolink_start(std::string_view s, std::size_t from) {
  const std::string lower = to_lower_ascii(s.substr(from));
  std::size_t best = std::string_view::npos;
  if (const std::size_t www = lower.find("www."); www != std::string::npos) best = from + www;
  for (std::size_t sep = lower.find("://"); sep != std::string::npos;
       sep = lower.find("://", sep + 1)) {
    std::size_t start = sep;
    while (start > 0 &&
           (std::isalnum(static_cast<unsigned char>(lower[start - 1])) || lower[start - 1] == '+' ||
            lower[start - 1] == '-' || lower[start - 1] == '.')) {
      --start;
    }
    if (start < sep) return std::min(best, from + start);
  }
  return best;
}

// The end of a URL starting at `start`: the first blank, control character or character that
// cannot be in a code span of a table cell.
std::size_t autolink_end(std::string_view s, std::size_t start) {
  std::size_t end = start;
  while (end < s.size() && !is_control(static_cast<unsigned char>(s[end])) &&
         std::string_view(" |`<>\"'").find(s[end]) == std::string_view::npos) {
    ++end;
  }
  return end;
}

// One character of untrusted text, kept text: controls as spaces, HTML's specials as entities,
// '@' never a mention, and the characters in `backslashed` escaped for Markdown.
void append_inert_char(std::string& out, char ch, std::string_view backslashed) {
  const auto c = static_cast<unsigned char>(ch);
  if (is_control(c)) {
    out += ' ';
  } else if (ch == '&') {
    out += "&amp;";
  } else if (ch == '<') {
    out += "&lt;";
  } else if (ch == '>') {
    out += "&gt;";
  } else if (ch == '@') {
    out += "@&#8203;";  // a zero-width space after '@': shown as typed, never a mention
  } else if (backslashed.find(ch) != std::string_view::npos) {
    out += '\\';
    out += ch;
  } else {
    out += ch;
  }
}

void append_inert_text(std::string& out, std::string_view text) {
  for (const char ch : text) append_inert_char(out, ch, "\\`*_[]|~#$!");
}

}  // namespace

std::string html_text(std::string_view s, std::size_t max_bytes) {
  const std::string cut = truncate_utf8(s, max_bytes);
  std::string out;
  for (const char ch : cut) {
    if (ch == '"') {
      out += "&quot;";
    } else if (ch == '\'') {
      out += "&#39;";
    } else {
      append_inert_char(out, ch, "");
    }
  }
  return out;
}

std::string md_text(std::string_view s, std::size_t max_bytes) {
  const std::string cut = truncate_utf8(s, max_bytes);
  std::string out;
  out.reserve(cut.size() + 16);
  // A URL would become a live link even with its punctuation escaped: it is shown as code.
  std::size_t pos = 0;
  for (std::size_t url = autolink_start(cut, 0); url != std::string::npos;
       url = autolink_start(cut, pos)) {
    const std::size_t end = autolink_end(cut, url);
    append_inert_text(out, std::string_view(cut).substr(pos, url - pos));
    out += md_code(std::string_view(cut).substr(url, end - url), end - url);
    pos = end;
  }
  append_inert_text(out, std::string_view(cut).substr(pos));
  return out;
}

std::string md_code(std::string_view s, std::size_t max_bytes) {
  std::string body = truncate_utf8(s, max_bytes);
  for (char& ch : body) {
    if (is_control(static_cast<unsigned char>(ch))) ch = ' ';
  }
  if (body.empty()) return "`\"\"`";
  // The fence is one backtick longer than the longest run inside, as CommonMark requires.
  std::size_t longest = 0, run = 0;
  for (const char ch : body) {
    run = ch == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = body.front() == '`' || body.back() == '`';
  return fence + (pad ? " " : "") + body + (pad ? " " : "") + fence;
}

const char* status_icon(ModeStatus status) {
  switch (status) {
    case ModeStatus::valid: return "✅";
    case ModeStatus::missing: return "⚠️";
    case ModeStatus::invalid:
    case ModeStatus::error: break;
  }
  return "❌";
}

std::string verdict_text(ModeStatus status) {
  return std::string(status_icon(status)) + " " + to_string(status);
}

std::string count_text(const std::optional<std::uint64_t>& n) {
  return n ? std::to_string(*n) : std::string("–");
}

namespace {

// "1 event", "3 events", "– events" when unknown.
std::string counted_text(const std::optional<std::uint64_t>& n, const char* one, const char* many) {
  return count_text(n) + " " + (n && *n == 1 ? one : many);
}

}  // namespace

std::string issues_text(std::uint64_t n) {
  return std::to_string(n) + (n == 1 ? " issue" : " issues");
}

std::string mode_line(const ModeResult& m) {
  std::string out =
      std::string(status_icon(m.status)) + " **" + m.mode + "**: " + to_string(m.status);
  switch (m.status) {
    case ModeStatus::valid:
    case ModeStatus::invalid:
      out += ", " + issues_text(m.issue_count) + " (" + counted_text(m.events, "event", "events") +
             ", " + counted_text(m.keys, "key", "keys") + ")";
      if (m.unchecked) out += " · unchecked: no `outputSet` record ties it to the payload";
      break;
    case ModeStatus::missing: out += " (no " + m.mode + "/ directory)"; break;
    case ModeStatus::error: out += ": " + md_text(m.error, kMaxErrorBytes); break;
  }
  return out;
}

bool append_bounded(std::string& out, std::string_view line, std::size_t max_size) {
  if (out.size() + line.size() > max_size) return false;
  out += line;
  return true;
}

std::string payload_text(const PayloadSummary& p) {
  if (!p.present) return "no payload metadata (kvonce-payload-metadata.json)";
  if (!p.error.empty()) return "payload metadata unreadable: " + md_text(p.error, kMaxErrorBytes);
  std::string out =
      p.source_type.empty() ? std::string("unknown source") : md_text(p.source_type, 40);
  // A verdict on the built-in sample says nothing about the project: say so where it is read.
  if (p.source_type == fetch::kSourceSample) {
    out = "**the embedded sample** (not a payload of this project)";
  }
  if (!p.source_detail.empty()) out += " " + md_code(p.source_detail, 300);
  out += " · sha256 " + (p.sha256.empty() ? std::string("unknown") : md_code(p.sha256, 64));
  if (p.size_bytes) out += " · " + std::to_string(*p.size_bytes) + " bytes";
  return out;
}

}  // namespace kvonce::report

// Parsing trace-link templates once, and filling them in for each issue.
#include "kvonce/report/trace_link.hpp"

#include <cctype>

#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::report {
namespace {

// Characters a template's path, query and fragment keep as written. Everything else is
// percent-encoded: ( ) [ ] | < > " ' ` \ { } ^ and blanks could end a Markdown link, a table cell
// or an HTML attribute, and ';' could complete an HTML entity such as &lt; in a destination.
constexpr std::string_view kKeptInTemplate = ":/?#@$&+,=%!*";

[[noreturn]] void reject(std::string_view source, const std::string& why) {
  fail(ErrorKind::usage, std::string(source) + ": " + why);
}

// Where the host and port end: the first '/', '?' or '#' after "scheme://"; 0 without one.
std::size_t authority_end(std::string_view text) {
  const std::size_t start = text.find("://");
  if (start == std::string_view::npos) return 0;
  const std::size_t end = text.find_first_of("/?#", start + 3);
  return end == std::string_view::npos ? text.size() : end;
}

void check_origin(std::string_view text, std::string_view source) {
  const std::string_view origin = text.substr(0, authority_end(text));
  const std::optional<net::Url> url = net::parse_url(origin);
  if (!url || url->host.empty()) reject(source, "not an absolute URL (https://host/...)");
  if (!url->userinfo.empty()) reject(source, "a link may not carry user:password@");
  const bool loopback_http = url->scheme == "http" && net::is_loopback_host(url->host);
  if (url->scheme != "https" && !loopback_http) {
    reject(source, "a link must be https:// (http:// only to 127.0.0.1, ::1 or localhost)");
  }
  for (const char c : origin) {
    if (!std::isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("-._:/[]").find(c) == std::string_view::npos) {
      reject(source, "the scheme, host and port may hold letters, digits and - . _ : [ ] only");
    }
  }
}

}  // namespace

TraceLinkTemplate TraceLinkTemplate::parse(std::string_view text, std::string_view source) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      reject(source, "a link template may not hold blanks or control characters");
  }
  const std::size_t origin_end = authority_end(text);
  if (text.find('{') < origin_end) {
    reject(source, "placeholders belong in the path, query or fragment, not the host");
  }
  check_origin(text, source);
  TraceLinkTemplate t;
  t.pieces_.push_back({Part::text, std::string(text.substr(0, origin_end))});
  bool any_placeholder = false;
  for (std::size_t at = origin_end; at < text.size();) {
    const std::size_t open = text.find_first_of("{}", at);
    const std::string_view literal = text.substr(at, open - at);
    t.pieces_.push_back({Part::text, net::percent_encode(literal, kKeptInTemplate)});
    if (open == std::string_view::npos) break;
    const std::size_t close = text.find('}', open);
    if (text[open] == '}' || close == std::string_view::npos) {
      reject(source, "unmatched brace (write a literal { or } as %7B or %7D)");
    }
    const std::string_view name = text.substr(open + 1, close - open - 1);
    if (name == "traceId") {
      t.pieces_.push_back({Part::trace_id, {}});
    } else if (name == "spanId") {
      t.pieces_.push_back({Part::span_id, {}});
    } else {
      reject(source, "unknown placeholder {" + std::string(name.substr(0, 40)) +
                         "}: only {traceId} and {spanId} (a literal brace is %7B or %7D)");
    }
    any_placeholder = true;
    at = close + 1;
  }
  if (!any_placeholder) reject(source, "the template names neither {traceId} nor {spanId}");
  return t;
}

std::string TraceLinkTemplate::url(std::string_view trace_id, std::string_view span_id) const {
  std::string out;
  for (const Piece& p : pieces_) {
    if (p.part == Part::text) {
      out += p.text;
      continue;
    }
    const std::string_view value = p.part == Part::trace_id ? trace_id : span_id;
    if (value.empty()) return {};
    out += net::percent_encode(value);  // every reserved character too: values are untrusted
  }
  return out;
}

std::optional<TraceLinkTemplate> trace_link_from(const std::optional<std::string>& option,
                                                 const Environment& env) {
  if (option) return TraceLinkTemplate::parse(*option, kTraceLinkOption);
  if (const auto variable = env ? env(kTraceLinkVariable) : std::nullopt) {
    return TraceLinkTemplate::parse(*variable, kTraceLinkVariable);
  }
  return std::nullopt;
}

std::string trace_link(const TraceLinkTemplate& link, std::string_view trace_id,
                       std::string_view span_id) {
  return link.url(trace_id, span_id);
}

std::string trace_link(const std::optional<TraceLinkTemplate>& link, std::string_view trace_id,
                       std::string_view span_id) {
  return link ? link->url(trace_id, span_id) : std::string();
}

std::string md_link(const std::string& label, const std::string& url) {
  return url.empty() ? std::string() : "[" + label + "](" + url + ")";
}

}  // namespace kvonce::report

// Trace links: a URL template such as "https://jaeger.example/trace/{traceId}" turned into a link
// to the trace of an issue, in the console and in every Markdown report.
//
// The template comes from the CI configuration (--trace-link, KVONCE_TRACE_LINK) and is checked
// once: https://, or http:// to a loopback host; no user:password@; the placeholders {traceId}
// and {spanId} only, after the host. The values come from payloads, so they are percent-encoded
// whatever they hold, and the finished URL has every character that could end a Markdown link,
// a table cell or an HTML attribute percent-encoded too.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/util/environment.hpp"

namespace kvonce::report {

inline constexpr const char* kTraceLinkOption = "--trace-link";
inline constexpr const char* kTraceLinkVariable = "KVONCE_TRACE_LINK";

class TraceLinkTemplate {
 public:
  // Throws Error(usage) naming `source` (the option or variable it came from) when the template
  // breaks a rule above.
  static TraceLinkTemplate parse(std::string_view text, std::string_view source);

  // The link, or "" when the template uses a placeholder whose value is empty.
  std::string url(std::string_view trace_id, std::string_view span_id) const;

 private:
  enum class Part { text, trace_id, span_id };
  struct Piece {
    Part part;
    std::string text;  // Part::text only
  };
  std::vector<Piece> pieces_;
};

// The option when given, else $KVONCE_TRACE_LINK, parsed; nullopt when neither is set.
std::optional<TraceLinkTemplate> trace_link_from(const std::optional<std::string>& option,
                                                 const Environment& env);

// The link to a trace (and span), or "" when the template needs a value that is empty.
std::string trace_link(const TraceLinkTemplate& link, std::string_view trace_id,
                       std::string_view span_id);
// The same on an optional template: "" without one.
std::string trace_link(const std::optional<TraceLinkTemplate>& link, std::string_view trace_id,
                       std::string_view span_id);

// "[label](url)" for Markdown, or "" when there is no link. `label` must already be Markdown
// (escaped by the caller).
std::string md_link(const std::string& label, const std::string& url);

}  // namespace kvonce::report

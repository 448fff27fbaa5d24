// The Link header (RFC 8288) as GitHub sends it: link-values separated by commas, each a URL in
// <...> followed by parameters.
#include "kvonce/github/link.hpp"

#include "kvonce/util/strings.hpp"

namespace kvonce::github {
namespace {

// The rel parameter of one link-value's parameters ("; rel=\"next\"; foo=bar").
bool has_rel_next(std::string_view params) {
  std::size_t pos = 0;
  while ((pos = params.find(';', pos)) != std::string_view::npos) {
    ++pos;
    std::size_t end = params.find(';', pos);
    std::string_view param =
        trim(params.substr(pos, end == std::string_view::npos ? end : end - pos));
    const std::size_t eq = param.find('=');
    if (eq != std::string_view::npos && to_lower_ascii(trim(param.substr(0, eq))) == "rel") {
      std::string_view value = trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      // rel may list several space-separated relation types.
      for (std::size_t start = 0; start < value.size();) {
        const std::size_t space = value.find(' ', start);
        const std::string_view type = value.substr(start, space - start);
        if (to_lower_ascii(type) == "next") return true;
        if (space == std::string_view::npos) break;
        start = space + 1;
      }
    }
  }
  return false;
}

}  // namespace

std::optional<std::string> next_link(std::string_view header) {
  std::size_t pos = 0;
  while ((pos = header.find('<', pos)) != std::string_view::npos) {
    const std::size_t close = header.find('>', pos);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view url = header.substr(pos + 1, close - pos - 1);
    // The parameters run to the next link-value: a comma outside <...>.
    std::size_t end = header.find(',', close);
    const std::size_t next_open = header.find('<', close);
    if (next_open != std::string_view::npos && (end == std::string_view::npos || next_open < end)) {
      end = next_open;
    }
    const std::string_view params =
        header.substr(close + 1, end == std::string_view::npos ? end : end - close - 1);
    if (has_rel_next(params)) return std::string(url);
    pos = close + 1;
  }
  return std::nullopt;
}

}  // namespace kvonce::github

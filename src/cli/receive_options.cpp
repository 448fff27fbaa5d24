#include "cli/receive_options.hpp"

#include <algorithm>
#include <cmath>

#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::cli {
namespace {

bool all_digits(const std::string& text) {
  return !text.empty() &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

receive::Listen parse_listen(const std::string& text, const std::string& option) {
  const auto bad = [&]() -> receive::Listen {
    fail(ErrorKind::usage, option + " " + console_escape(text) +
                               ": expected HOST:PORT, [IPv6]:PORT, PORT, 0 (a free port) or none");
  };
  receive::Listen out;
  if (text == "none") {
    out.enabled = false;
    return out;
  }
  std::string port = text;
  if (!all_digits(text)) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) return bad();
    std::string host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (host.front() == '[') {
      if (host.size() < 3 || host.back() != ']') return bad();
      host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
      return bad();  // an IPv6 address needs its brackets
    }
    out.host = host;
  }
  if (!all_digits(port) || port.size() > 5 || std::stoul(port) > 65535) return bad();
  out.port = static_cast<std::uint16_t>(std::stoul(port));
  return out;
}

std::chrono::milliseconds parse_duration(const std::string& text, const std::string& option) {
  const auto bad = [&]() -> std::chrono::milliseconds {
    fail(ErrorKind::usage, option + " " + console_escape(text) +
                               ": expected a duration such as 500ms, 2s or 1m, at most 24h");
  };
  std::size_t digits = 0;
  while (digits < text.size() &&
         ((text[digits] >= '0' && text[digits] <= '9') || (text[digits] == '.' && digits > 0))) {
    ++digits;
  }
  const std::string number = text.substr(0, digits), unit = text.substr(digits);
  if (number.empty() || number.back() == '.' || std::count(number.begin(), number.end(), '.') > 1 ||
      number.size() > 12) {
    return bad();
  }
  double scale = 0;
  if (unit == "ms") scale = 1;
  if (unit == "s") scale = 1000;
  if (unit == "m") scale = 60000;
  if (unit.empty() && std::stod(number) == 0) scale = 1;
  const double ms = std::stod(number) * scale;
  if (scale == 0 || !std::isfinite(ms) || ms > 24.0 * 3600 * 1000) return bad();
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(ms)));
}

}  // namespace kvonce::cli

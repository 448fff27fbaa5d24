#include "kvonce/rules/attempt.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include "kvonce/json/reader.hpp"
#include "kvonce/util/js_number.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::rules {
namespace {

// The exact value of a JSON number text, if it is an integer. The value is digits x 10^scale
// with the digits' trailing zeros moved into the scale, so it is an integer exactly when the
// scale is not negative (or the digits are all zero).
std::optional<SpecAttempt> integral(std::string_view number) {
  std::string_view s = number;
  const bool negative = !s.empty() && s.front() == '-';
  if (negative) s.remove_prefix(1);
  std::string digits;
  long long scale = 0;
  std::size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) digits.push_back(s[i]);
  if (i < s.size() && s[i] == '.') {
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, --scale) digits.push_back(s[i]);
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    std::string_view e = s.substr(i + 1);
    const bool minus = !e.empty() && e.front() == '-';
    if (!e.empty() && (e.front() == '-' || e.front() == '+')) e.remove_prefix(1);
    long long exponent = 0;
    for (const char c : e) exponent = std::min(exponent * 10 + (c - '0'), 1LL << 40);
    scale += minus ? -exponent : exponent;
  }
  digits.erase(0, std::min(digits.find_first_not_of('0'), digits.size()));
  if (digits.empty()) return SpecAttempt{0, "0"};
  while (digits.back() == '0') {
    digits.pop_back();
    ++scale;
  }
  if (scale < 0) return std::nullopt;
  if (static_cast<long long>(digits.size()) + scale <= 19) {
    digits.append(static_cast<std::size_t>(scale), '0');
    if (negative) digits.insert(digits.begin(), '-');
    std::int64_t v = 0;
    const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
    if (ec == std::errc() && p == digits.data() + digits.size()) {
      return SpecAttempt{v, std::to_string(v)};
    }
  }
  return SpecAttempt{std::nullopt, std::string(number)};
}

// A number as the replaced pipeline saw it after its projection's JSON round trip.
std::optional<double> finite_double(std::string_view number) {
  const double d = js_parse_json_number(number);
  if (!std::isfinite(d)) return std::nullopt;
  return d;
}

// The last value held by the top-level members named `first`, else by `second`, of an object
// (JSON.parse keeps the last of duplicate names, and a later non-number replaces a number).
template <typename T, typename Convert>
std::optional<T> member_number(json::Reader& r, std::string_view first, std::string_view second,
                               Convert convert) {
  std::optional<T> a, b;
  r.begin_object();
  std::string_view name;
  while (r.next_member(name)) {
    const int which = name == first ? 1 : name == second ? 2 : 0;
    if (which && r.peek() == json::Kind::number) {
      (which == 1 ? a : b) = convert(r.number());
    } else {
      if (which) (which == 1 ? a : b).reset();
      r.skip();
    }
  }
  return a ? a : b;
}

}  // namespace

std::optional<SpecAttempt> spec_attempt(std::optional<std::string_view> context) {
  if (!context) return std::nullopt;
  json::Reader r(*context, {});
  switch (r.peek()) {
    case json::Kind::number: return integral(r.number());
    case json::Kind::object: return member_number<SpecAttempt>(r, "attempts", "attempt", integral);
    case json::Kind::string: {
      const std::string text(trim(r.string()));
      std::string object;
      if (text.empty() || text.front() != '{' || !json::reformat_compact(text, object, {})) {
        return std::nullopt;
      }
      json::Reader inner(object, {});
      return member_number<SpecAttempt>(inner, "attempts", "attempt", integral);
    }
    default: return std::nullopt;
  }
}

std::optional<double> compat_attempt(std::optional<std::string_view> context) {
  if (!context) return std::nullopt;
  json::Reader r(*context, {});
  switch (r.peek()) {
    case json::Kind::number: return finite_double(r.number());
    case json::Kind::object: return member_number<double>(r, "attempt", "attempts", finite_double);
    default: return std::nullopt;
  }
}

}  // namespace kvonce::rules

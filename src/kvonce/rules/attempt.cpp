#include "kvonce/rules/attempt.hpp"

#include <charconv>
#include <cmath>
#include <string>

#include "kvonce/json/reader.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::rules {
namespace {

std::optional<std::int64_t> integral(std::string_view number) {
  std::int64_t v = 0;
  const char* end = number.data() + number.size();
  if (auto [p, ec] = std::from_chars(number.data(), end, v); ec == std::errc() && p == end) {
    return v;
  }
  double d = 0;
  auto [p, ec] = std::from_chars(number.data(), end, d);
  if (ec != std::errc() || p != end || d != std::trunc(d) || std::fabs(d) > 9007199254740992.0) {
    return std::nullopt;  // fractional, or beyond what a double holds exactly
  }
  return static_cast<std::int64_t>(d);
}

double as_double(std::string_view number) {
  double d = 0;
  std::from_chars(number.data(), number.data() + number.size(), d);
  return d;
}

// The last number held by the top-level members named `first`, else by `second`, of an object.
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
      if (which) (which == 1 ? a : b).reset();  // a later non-number member replaces it
      r.skip();
    }
  }
  return a ? a : b;
}

}  // namespace

std::optional<std::int64_t> spec_attempt(std::optional<std::string_view> context) {
  if (!context) return std::nullopt;
  json::Reader r(*context, {});
  switch (r.peek()) {
    case json::Kind::number: return integral(r.number());
    case json::Kind::object: return member_number<std::int64_t>(r, "attempts", "attempt", integral);
    case json::Kind::string: {
      const std::string text(trim(r.string()));
      std::string object;
      if (text.empty() || text.front() != '{' || !json::reformat_compact(text, object, {})) {
        return std::nullopt;
      }
      json::Reader inner(object, {});
      return member_number<std::int64_t>(inner, "attempts", "attempt", integral);
    }
    default: return std::nullopt;
  }
}

std::optional<double> compat_attempt(std::optional<std::string_view> context) {
  if (!context) return std::nullopt;
  json::Reader r(*context, {});
  switch (r.peek()) {
    case json::Kind::number: return as_double(r.number());
    case json::Kind::object: return member_number<double>(r, "attempt", "attempts", as_double);
    default: return std::nullopt;
  }
}

}  // namespace kvonce::rules

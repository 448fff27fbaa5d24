#include "kvonce/util/js_number.hpp"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "kvonce/util/js_trim.hpp"

namespace kvonce {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Parses an unsigned decimal literal already checked against the grammar. from_chars leaves the
// value untouched when it is out of range, so the side of the range comes from the magnitude:
// the decimal exponent of the first significant digit.
double parse_unsigned_decimal(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [p, ec] = std::from_chars(text.data(), end, value, std::chars_format::general);
  if (ec != std::errc::result_out_of_range) return value;
  long long point = 0, first = -1, digits = 0;  // first significant digit, counted from the left
  std::size_t i = 0;
  bool seen_point = false;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    if (text[i] == '.') {
      seen_point = true;
      continue;
    }
    if (first < 0 && text[i] != '0') first = digits;
    ++digits;
    if (!seen_point) ++point;
  }
  long long exponent = 0;
  if (i < text.size()) {
    std::string_view e = text.substr(i + 1);
    const bool negative = !e.empty() && e.front() == '-';
    if (!e.empty() && (e.front() == '-' || e.front() == '+')) e.remove_prefix(1);
    for (const char c : e) exponent = std::min(exponent * 10 + (c - '0'), 1LL << 40);
    if (negative) exponent = -exponent;
  }
  if (first < 0) return 0;
  return point - first + exponent > 0 ? kInfinity : 0.0;
}

// StrUnsignedDecimalLiteral: digits [. digits] [exponent] | . digits [exponent]; no sign.
bool is_unsigned_decimal(std::string_view s) {
  std::size_t i = 0, int_digits = 0, frac_digits = 0;
  while (i < s.size() && is_digit(s[i])) ++i, ++int_digits;
  if (i < s.size() && s[i] == '.') {
    ++i;
    while (i < s.size() && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t start = i;
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i == start) return false;
  }
  return i == s.size();
}

double parse_radix(std::string_view digits, int radix) {
  if (digits.empty()) return std::nan("");
  double value = 0;
  if (radix == 16) {
    for (const char c : digits) {
      if (!std::isxdigit(static_cast<unsigned char>(c))) return std::nan("");
    }
    const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value,
                                         std::chars_format::hex);
    return ec == std::errc::result_out_of_range ? kInfinity : value;
  }
  for (const char c : digits) {
    const int d = c - '0';
    if (d < 0 || d >= radix) return std::nan("");
    value = value * radix + d;
  }
  return value;
}

}  // namespace

std::string js_number_to_string(double value) {
  if (std::isnan(value)) return "NaN";
  if (value == 0) return "0";  // -0 too
  if (value < 0) return "-" + js_number_to_string(-value);
  if (std::isinf(value)) return "Infinity";
  // The shortest round-trip digits, as d.ddde±x; JavaScript lays them out by k and n.
  char buf[64];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  const std::string_view sci(buf, static_cast<std::size_t>(end - buf));
  const std::size_t e = sci.find('e');
  std::string digits;
  for (const char c : sci.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  int exponent = 0;
  std::from_chars(sci.data() + e + (sci[e + 1] == '+' ? 2 : 1), sci.data() + sci.size(), exponent);
  const int k = static_cast<int>(digits.size());
  const int n = exponent + 1;  // value = 0.digits * 10^n
  if (k <= n && n <= 21) return digits + std::string(static_cast<std::size_t>(n - k), '0');
  if (0 < n && n <= 21) return digits.substr(0, n) + "." + digits.substr(n);
  if (-6 < n && n <= 0) return "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  const std::string exp = (n - 1 < 0 ? "e-" : "e+") + std::to_string(std::abs(n - 1));
  if (k == 1) return digits + exp;
  return digits.substr(0, 1) + "." + digits.substr(1) + exp;
}

double js_parse_json_number(std::string_view text) {
  const bool negative = !text.empty() && text.front() == '-';
  const double magnitude = parse_unsigned_decimal(negative ? text.substr(1) : text);
  return negative ? -magnitude : magnitude;
}

double js_string_to_number(std::string_view text) {
  text = js_trim(text);
  if (text.empty()) return 0;
  if (text.size() > 2 && text[0] == '0') {
    switch (text[1]) {
      case 'x':
      case 'X': return parse_radix(text.substr(2), 16);
      case 'o':
      case 'O': return parse_radix(text.substr(2), 8);
      case 'b':
      case 'B': return parse_radix(text.substr(2), 2);
      default: break;
    }
  }
  const bool negative = text.front() == '-';
  if (negative || text.front() == '+') text.remove_prefix(1);
  double magnitude = 0;
  if (text == "Infinity") {
    magnitude = kInfinity;
  } else if (is_unsigned_decimal(text)) {
    magnitude = parse_unsigned_decimal(text);
  } else {
    return std::nan("");
  }
  return negative ? -magnitude : magnitude;
}

bool is_plain_integer(std::string_view text) {
  if (!text.empty() && text.front() == '-') text.remove_prefix(1);
  if (text.empty()) return false;
  for (const char c : text) {
    if (!is_digit(c)) return false;
  }
  return true;
}

}  // namespace kvonce

#include "kvonce/util/time.hpp"

#include <algorithm>
#include <bit>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <string>

namespace kvonce {
namespace {

// Days since 1970-01-01 <-> proleptic Gregorian civil date (H. Hinnant's algorithms).
void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += (m <= 2);
}

std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void put_digits(char* p, unsigned value, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

bool digits(std::string_view s, std::size_t pos, std::size_t n, unsigned& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + static_cast<unsigned>(s[i] - '0');
  }
  return true;
}

bool is_leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace

bool is_unix_u64(Nanos unix_nanos) {
  return unix_nanos >= 0 && unix_nanos <= static_cast<Nanos>(UINT64_MAX);
}

void append_iso_millis(std::string& out, Nanos unix_nanos) {
  char buf[kIsoMillisBytes];
  out.append(buf, put_iso_millis(buf, unix_nanos));
}

std::int64_t floor_millis(Nanos unix_nanos) {
  if (unix_nanos >= 0 && unix_nanos <= INT64_MAX) {
    // Every OTLP time until 2262, without the 128-bit division below (a library call).
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(unix_nanos) / 1'000'000);
  }
  Nanos millis = unix_nanos / 1'000'000;  // toward zero
  if (unix_nanos < 0 && millis * 1'000'000 != unix_nanos) --millis;
  return static_cast<std::int64_t>(millis);  // |millis| < 2^63 for years 0..9999
}

namespace {

// "YYYY-MM-DDTHH:MM:SS" of a second since the epoch.
void put_iso_second(char* buf, std::int64_t second) {
  std::int64_t days = second / 86'400, sod = second % 86'400;
  if (sod < 0) {
    sod += 86'400;
    --days;
  }
  std::int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  put_digits(buf, static_cast<unsigned>(y), 4);  // parse_iso_instant keeps to years 0..9999
  buf[4] = '-';
  put_digits(buf + 5, m, 2);
  buf[7] = '-';
  put_digits(buf + 8, d, 2);
  buf[10] = 'T';
  const auto s = static_cast<unsigned>(sod);
  put_digits(buf + 11, s / 3600, 2);
  buf[13] = ':';
  put_digits(buf + 14, s / 60 % 60, 2);
  buf[16] = ':';
  put_digits(buf + 17, s % 60, 2);
}

}  // namespace

char* put_iso_millis(char* buf, Nanos unix_nanos) {
  const std::int64_t ms = floor_millis(unix_nanos);
  std::int64_t second = ms / 1000, millis = ms % 1000;
  if (millis < 0) {
    millis += 1000;
    --second;
  }
  // The outputs write a trace's times in order, thousands to a second: the last second's text
  // is kept (per thread: run's two modes write at once).
  constexpr std::size_t kSecondBytes = 19;
  thread_local std::int64_t last_second = INT64_MIN;
  thread_local char last_text[kSecondBytes];
  if (second != last_second) {
    put_iso_second(last_text, second);
    last_second = second;
  }
  std::memcpy(buf, last_text, kSecondBytes);
  buf[19] = '.';
  put_digits(buf + 20, static_cast<unsigned>(millis), 3);
  buf[23] = 'Z';
  return buf + kIsoMillisBytes;
}

std::string format_iso_millis(Nanos unix_nanos) {
  std::string out;
  append_iso_millis(out, unix_nanos);
  return out;
}

std::optional<Nanos> parse_iso_instant(std::string_view s) {
  unsigned year, month, day, hour, minute, second;
  if (!digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' ||
      !digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  std::int64_t frac_nanos = 0;
  if (pos < s.size() && s[pos] == '.') {
    ++pos;
    std::int64_t scale = 100'000'000;
    const std::size_t start = pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
      frac_nanos += (s[pos] - '0') * scale;  // digits past 9 drop
      scale /= 10;
      ++pos;
    }
    if (pos == start) return std::nullopt;
  }
  std::int64_t offset_secs = 0;
  if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    unsigned oh, om;
    if (!digits(s, pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' ||
        !digits(s, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_secs = (s[pos] == '-' ? -1 : 1) * static_cast<std::int64_t>(oh * 3600 + om * 60);
    pos += 6;
  } else {
    return std::nullopt;  // an instant without a zone is ambiguous
  }
  if (pos != s.size()) return std::nullopt;
  const std::int64_t secs =
      days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_secs;
  // The event schema's four-digit years, in UTC: 0000-01-01 .. 9999-12-31.
  constexpr std::int64_t kFirstSecs = -62'167'219'200, kEndSecs = 253'402'300'800;
  if (secs < kFirstSecs || secs >= kEndSecs) return std::nullopt;
  return static_cast<Nanos>(secs) * 1'000'000'000 + frac_nanos;
}

std::optional<std::uint64_t> parse_iso_nanos(std::string_view text) {
  const std::optional<Nanos> t = parse_iso_instant(text);
  if (!t || !is_unix_u64(*t)) return std::nullopt;
  return static_cast<std::uint64_t>(*t);
}

std::optional<std::uint64_t> json_number_u64(std::string_view n) {
  if (n.empty()) return std::nullopt;
  const bool negative = n.front() == '-';
  if (negative) n.remove_prefix(1);
  std::string digits;  // integer and fraction digits; the value is digits * 10^exponent
  std::int64_t exponent = 0;
  std::size_t i = 0;
  for (; i < n.size() && n[i] >= '0' && n[i] <= '9'; ++i) digits.push_back(n[i]);
  if (i < n.size() && n[i] == '.') {
    for (++i; i < n.size() && n[i] >= '0' && n[i] <= '9'; ++i) {
      digits.push_back(n[i]);
      --exponent;
    }
  }
  if (i < n.size() && (n[i] == 'e' || n[i] == 'E')) {
    ++i;
    const bool exp_negative = i < n.size() && n[i] == '-';
    if (i < n.size() && (n[i] == '+' || n[i] == '-')) ++i;
    std::int64_t e = 0;
    for (; i < n.size() && n[i] >= '0' && n[i] <= '9'; ++i) {
      e = std::min<std::int64_t>(e * 10 + (n[i] - '0'), 1'000'000'000);  // saturates: no wrap
    }
    exponent += exp_negative ? -e : e;
  }
  const std::size_t first = digits.find_first_not_of('0');
  if (first == std::string::npos) return 0;  // zero, whatever its sign or exponent
  if (negative) return std::nullopt;
  digits.erase(0, first);
  while (digits.back() == '0') {
    digits.pop_back();
    ++exponent;
  }
  if (exponent < 0 || static_cast<std::int64_t>(digits.size()) + exponent > 20) {
    return std::nullopt;
  }
  digits.append(static_cast<std::size_t>(exponent), '0');
  return parse_u64(digits);
}

namespace {

// Eight ASCII digits as their number (SWAR, little-endian), or false when one is not a digit.
bool eight_digits(const char* p, std::uint64_t& out) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  const bool digits =
      ((v & 0xF0F0F0F0F0F0F0F0ULL) |
       (((v + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) >> 4)) == 0x3333333333333333ULL;
  if (!digits) return false;
  v -= 0x3030303030303030ULL;
  v = v * 10 + (v >> 8);  // pairs of digits
  constexpr std::uint64_t kMask = 0x000000FF000000FFULL;
  v = ((v & kMask) * (100 + (1000000ULL << 32)) + ((v >> 16) & kMask) * (1 + (10000ULL << 32))) >>
      32;
  out = v & 0xFFFFFFFFULL;
  return true;
}

// Up to 19 digits, which no uint64_t overflows: every span's two times are such text.
std::optional<std::uint64_t> parse_short(std::string_view text) {
  std::uint64_t value = 0, chunk = 0;
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    if (!eight_digits(text.data() + i, chunk)) return std::nullopt;
    value = value * 100000000 + chunk;
  }
  for (; i < text.size(); ++i) {
    const unsigned d = static_cast<unsigned char>(text[i]) - unsigned{'0'};
    if (d > 9) return std::nullopt;
    value = value * 10 + d;
  }
  return value;
}

}  // namespace

std::optional<std::uint64_t> parse_u64(std::string_view text) {
  std::uint64_t value = 0;
  if (text.empty()) return std::nullopt;
  if constexpr (std::endian::native == std::endian::little) {
    if (text.size() <= 19) return parse_short(text);
  }
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return value;
}

std::string iso_of(std::chrono::system_clock::time_point when) {
  using namespace std::chrono;
  const auto ns = duration_cast<nanoseconds>(when.time_since_epoch()).count();
  return format_iso_millis(ns > 0 ? static_cast<std::uint64_t>(ns) : 0);
}

}  // namespace kvonce

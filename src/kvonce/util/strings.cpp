#include "kvonce/util/strings.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>

#include "kvonce/util/js_number.hpp"

namespace kvonce {

std::string_view trim(std::string_view s) {
  auto is_space = [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
  };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string to_lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

namespace {

// Bytes a JSON string literal cannot hold as they are: control bytes, the quote and the
// backslash; and 0xED, which may lead a lone surrogate held as WTF-8 (is_surrogate_at decides).
constexpr auto kMayEscape = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = t['\\'] = t[0xED] = true;
  return t;
}();

// Length of the prefix of s that needs no escaping, eight bytes at a time (the word test may
// stop early next to a byte that needs escaping; the caller's byte loop then decides).
std::size_t unescaped_prefix(std::string_view s) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kHighs = 0x8080808080808080ULL;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t v;
    std::memcpy(&v, s.data() + i, 8);
    const std::uint64_t quote = v ^ (kOnes * '"');
    const std::uint64_t slash = v ^ (kOnes * '\\');
    const std::uint64_t lead = v ^ (kOnes * 0xED);  // a lone surrogate's lead byte
    const std::uint64_t special = ((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash) |
                                  ((lead - kOnes) & ~lead) | ((v - kOnes * 0x20) & ~v);
    if (special & kHighs) break;
  }
  return i;
}

// The three bytes ED A0..BF 80..BF: a UTF-16 surrogate held as WTF-8, never valid UTF-8.
bool is_surrogate_at(std::string_view s, std::size_t i) {
  return static_cast<unsigned char>(s[i]) == 0xED && i + 2 < s.size() &&
         static_cast<unsigned char>(s[i + 1]) >= 0xA0 &&
         (static_cast<unsigned char>(s[i + 2]) & 0xC0) == 0x80;
}

constexpr char kHex[] = "0123456789abcdef";

// Writes the escape of the byte at s[i], which needs one, and moves i past what it stands for.
char* put_escape(char* p, std::string_view s, std::size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  if (c == 0xED) {  // a lone surrogate (see json::Reader) goes back out as its \u escape
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]) & 0x3Fu; };
    const unsigned unit = 0xD000u | byte(i + 1) << 6 | byte(i + 2);
    p = put_text(p, "\\u");
    for (int shift = 12; shift >= 0; shift -= 4) *p++ = kHex[unit >> shift & 15];
    i += 3;
    return p;
  }
  ++i;
  switch (c) {
    case '"': return put_text(p, "\\\"");
    case '\\': return put_text(p, "\\\\");
    case '\n': return put_text(p, "\\n");
    case '\r': return put_text(p, "\\r");
    case '\t': return put_text(p, "\\t");
    case '\b': return put_text(p, "\\b");
    case '\f': return put_text(p, "\\f");
    default:
      p = put_text(p, "\\u00");
      *p++ = kHex[c >> 4];
      *p++ = kHex[c & 15];
      return p;
  }
}

}  // namespace

char* put_json_string(char* p, std::string_view s) {
  *p++ = '"';
  std::size_t i = unescaped_prefix(s);
  std::memcpy(p, s.data(), i);
  p += i;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (!kMayEscape[c] || (c == 0xED && !is_surrogate_at(s, i))) {
      *p++ = static_cast<char>(c);
      ++i;
      continue;
    }
    p = put_escape(p, s, i);
  }
  *p++ = '"';
  return p;
}

void append_json_string(std::string& out, std::string_view s) {
  const std::size_t at = out.size();
  out.resize(at + json_string_bound(s.size()));
  out.resize(static_cast<std::size_t>(put_json_string(out.data() + at, s) - out.data()));
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

char* put_uint(char* p, std::uint64_t n) {
  return std::to_chars(p, p + kUintBound, n).ptr;
}

void append_uint(std::string& out, std::uint64_t n) {
  char buf[kUintBound];
  out.append(buf, put_uint(buf, n));
}

std::string json_quote(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

std::string format_number(double value) {
  return std::isfinite(value) ? js_number_to_string(value) : "null";
}

}  // namespace kvonce

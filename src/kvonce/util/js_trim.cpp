#include "kvonce/util/js_trim.hpp"

#include <cstdint>

namespace kvonce {
namespace {

bool js_space(std::uint32_t cp) {
  switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
    case 0xFEFF: return true;
    default: return cp >= 0x2000 && cp <= 0x200A;
  }
}

// The code point of the UTF-8 sequence s[at, at + length), or 0xFFFFFFFF if it is not one.
std::uint32_t decode(std::string_view s, std::size_t at, std::size_t length) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(s[at + i]); };
  if (length == 1) return byte(0) < 0x80 ? byte(0) : 0xFFFFFFFF;
  std::uint32_t cp = byte(0) & (0x7F >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0xFFFFFFFF;
    cp = cp << 6 | (byte(i) & 0x3F);
  }
  return cp;
}

std::size_t sequence_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 0;
}

// A byte that is a whole code point and not white space: printable ASCII.
bool plain(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b > 0x20 && b < 0x80;
}

}  // namespace

std::string_view js_trim(std::string_view s) {
  // The common case, text with nothing to trim, is told by its two end bytes: a UTF-8 sequence
  // of more than one byte starts and ends with bytes of 0x80 and above.
  if (!s.empty() && plain(s.front()) && plain(s.back())) return s;
  while (!s.empty()) {
    const std::size_t n = sequence_length(static_cast<unsigned char>(s.front()));
    if (n == 0 || n > s.size() || !js_space(decode(s, 0, n))) break;
    s.remove_prefix(n);
  }
  while (!s.empty()) {
    std::size_t start = s.size() - 1;  // back up over continuation bytes to the lead byte
    while (start > 0 && s.size() - start < 4 &&
           (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80)
      --start;
    const std::size_t n = s.size() - start;
    if (sequence_length(static_cast<unsigned char>(s[start])) != n ||
        !js_space(decode(s, start, n)))
      break;
    s.remove_suffix(n);
  }
  return s;
}

}  // namespace kvonce

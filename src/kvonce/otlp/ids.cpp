#include "kvonce/otlp/ids.hpp"

#include <array>

#include "kvonce/util/strings.hpp"

namespace kvonce::otlp {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int base64_digit(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;  // standard and URL-safe alphabets
  if (c == '/' || c == '_') return 63;
  return -1;
}

// Decodes base64 (padding optional) into raw bytes; false on any other character.
bool decode_base64(std::string_view s, std::string& out) {
  while (!s.empty() && s.back() == '=') s.remove_suffix(1);
  std::uint32_t acc = 0;
  int bits = 0;
  for (const char c : s) {
    const int d = base64_digit(c);
    if (d < 0) return false;
    acc = (acc << 6) | static_cast<std::uint32_t>(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return true;
}

std::string to_hex_or_empty(std::string_view raw) {
  std::string hex;
  bool all_zero = true;
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    all_zero = all_zero && b == 0;
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 15]);
  }
  return all_zero ? std::string() : hex;
}

}  // namespace

std::string normalize_id(std::string_view text, std::size_t bytes) {
  text = trim(text);
  if (text.empty()) return {};
  if (text.size() == bytes * 2) {
    std::string raw;
    for (std::size_t i = 0; i < text.size() && raw.size() * 2 == i; i += 2) {
      const int hi = hex_digit(text[i]), lo = hex_digit(text[i + 1]);
      if (hi < 0 || lo < 0) break;
      raw.push_back(static_cast<char>(hi * 16 + lo));
    }
    if (raw.size() == bytes) return to_hex_or_empty(raw);
  }
  std::string raw;
  if (decode_base64(text, raw) && raw.size() == bytes) return to_hex_or_empty(raw);
  return std::string(text);
}

}  // namespace kvonce::otlp

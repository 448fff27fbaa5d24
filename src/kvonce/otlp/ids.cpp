#include "kvonce/otlp/ids.hpp"

#include <array>

#include "kvonce/crypto/crypto.hpp"
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
  if (crypto::base64_decode(text, raw) && raw.size() == bytes) return to_hex_or_empty(raw);
  return std::string(text);
}

std::string id_from_bytes(std::string_view raw) {
  return to_hex_or_empty(raw);
}

}  // namespace kvonce::otlp

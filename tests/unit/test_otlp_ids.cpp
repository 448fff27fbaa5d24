// Trace and span ids: the vector paths (sixteen hex characters, eight raw bytes at a time) must
// give what one character at a time gives, at every length and for every byte in every place.
#include <optional>
#include <random>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/otlp/ids.hpp"

using namespace kvonce::otlp;

namespace {

std::string reference_hex(std::string_view raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  bool zero = true;
  for (const char c : raw) {
    const auto b = static_cast<unsigned char>(c);
    zero = zero && b == 0;
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return zero ? "" : out;
}

// What normalize_id makes of text of exactly the id's length: lower-case hex, "" when all zero;
// nullopt when a character is not a hex digit.
std::optional<std::string> reference_lower(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      out += c;
    } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
      out += static_cast<char>(c | 0x20);
    } else {
      return std::nullopt;
    }
  }
  return out.find_first_not_of('0') == std::string::npos ? "" : out;
}

}  // namespace

TEST_CASE("id_from_bytes writes lower-case hex of any bytes, empty when all are zero") {
  std::mt19937 rng(7);
  std::string out;
  for (std::size_t n = 0; n <= 40; ++n) {
    for (int round = 0; round < 50; ++round) {
      std::string raw(n, '\0');
      for (char& c : raw) c = static_cast<char>(round % 3 == 0 ? 0 : rng() & 0xff);
      if (n > 0 && round % 5 == 1) raw[rng() % n] = static_cast<char>(1 + rng() % 255);
      INFO(n << " bytes, round " << round);
      id_from_bytes(raw, out);
      CHECK(out == reference_hex(raw));
    }
  }
  for (int b = 0; b < 256; ++b) {  // every byte value in every place of a trace id
    for (std::size_t at = 0; at < 16; ++at) {
      std::string raw(16, '\x5a');
      raw[at] = static_cast<char>(b);
      id_from_bytes(raw, out);
      REQUIRE(out == reference_hex(raw));
    }
  }
}

TEST_CASE("normalize_id lower-cases hex, refuses a byte that is not a hex digit, wherever it is") {
  std::string out;
  const std::string digits = "0123456789abcdefABCDEF";
  std::mt19937 rng(11);
  for (const std::size_t bytes : {8u, 16u}) {
    for (int b = 1; b < 256; ++b) {
      for (std::size_t at = 0; at < 2 * bytes; ++at) {
        std::string text;
        for (std::size_t i = 0; i < 2 * bytes; ++i) text += digits[rng() % digits.size()];
        text[at] = static_cast<char>(b);
        if (b == ' ' || (b >= '\t' && b <= '\r')) continue;  // trimmed: another length
        normalize_id(text, bytes, out);
        const auto expected = reference_lower(text);
        INFO(bytes << "-byte id, byte " << b << " at " << at);
        // Text that is not hex is kept as written (or read as base64): never lower-cased hex.
        if (expected) {
          REQUIRE(out == *expected);
        } else {
          REQUIRE(out != reference_lower(std::string(text).replace(at, 1, "0")).value());
        }
      }
    }
  }
  normalize_id(std::string(32, '0'), 16, out);
  CHECK(out.empty());
  normalize_id("000000000000000000000000000000A0", 16, out);
  CHECK(out == "000000000000000000000000000000a0");
  normalize_id("0A00000000000000", 8, out);
  CHECK(out == "0a00000000000000");
}

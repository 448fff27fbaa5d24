#include "kvonce/otlp/ids.hpp"

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

// Hex text of exactly the id's length: written lower-case into `out` in one pass; false (and
// `out` unspecified) when a character is not a hex digit.
bool hex_to_lower(std::string_view text, std::string& out) {
  out.resize(text.size());
  bool all_zero = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const int d = hex_digit(text[i]);
    if (d < 0) return false;
    all_zero = all_zero && d == 0;
    out[i] = kHex[d];
  }
  if (all_zero) out.clear();
  return true;
}

}  // namespace

void normalize_id(std::string_view text, std::size_t bytes, std::string& out) {
  text = trim(text);
  if (text.empty()) return out.clear();
  if (text.size() == bytes * 2 && hex_to_lower(text, out)) return;
  // base64 is rare (generic protobuf JSON writers): a scratch string per thread keeps it cheap.
  thread_local std::string raw;
  raw.clear();  // base64_decode appends
  if (crypto::base64_decode(text, raw) && raw.size() == bytes) return id_from_bytes(raw, out);
  out.assign(text);
}

void id_from_bytes(std::string_view raw, std::string& out) {
  out.resize(raw.size() * 2);
  bool all_zero = true;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    const auto b = static_cast<unsigned char>(raw[i]);
    all_zero = all_zero && b == 0;
    out[2 * i] = kHex[b >> 4];
    out[2 * i + 1] = kHex[b & 15];
  }
  if (all_zero) out.clear();
}

}  // namespace kvonce::otlp

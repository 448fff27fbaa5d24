#include "kvonce/otlp/ids.hpp"

#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::otlp {
namespace {

constexpr char kHex[] = "0123456789abcdef";

constexpr int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Each byte's lower-case hex digit, or 0 for a byte that is not one.
constexpr auto kLowerHex = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 256; ++c) {
    const int d = hex_digit(static_cast<char>(c));
    t[c] = d < 0 ? '\0' : kHex[d];
  }
  return t;
}();

// Hex text of exactly the id's length: written lower-case into `out` in one pass (two ids per
// span: this runs 300,000 times on a 150,000-span payload); false (and `out` unspecified) when a
// character is not a hex digit.
bool hex_to_lower(std::string_view text, std::string& out) {
  out.resize(text.size());
  char* o = out.data();
  char any = 0;  // the OR of every digit's difference from '0'
  std::size_t i = 0;
#if defined(__SSE2__)
  // Sixteen characters at a time (SSE2 is in every x86-64): a byte is a hex digit when it is
  // '0'..'9', or 'a'..'f' once bit 5 is set (which lower-cases 'A'..'F' and keeps digits).
  const __m128i zero = _mm_set1_epi8('0');
  __m128i any_vec = _mm_setzero_si128();
  for (; i + 16 <= text.size(); i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    const __m128i lower = _mm_or_si128(x, _mm_set1_epi8(0x20));
    const __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('0' - 1)),
                                        _mm_cmplt_epi8(x, _mm_set1_epi8('9' + 1)));
    const __m128i letter = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                         _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
    if (_mm_movemask_epi8(_mm_or_si128(digit, letter)) != 0xFFFF) return false;
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o + i), lower);
    any_vec = _mm_or_si128(any_vec, _mm_xor_si128(lower, zero));
  }
  if (_mm_movemask_epi8(_mm_cmpeq_epi8(any_vec, _mm_setzero_si128())) != 0xFFFF) any = 1;
#endif
  for (; i < text.size(); ++i) {
    const char c = kLowerHex[static_cast<unsigned char>(text[i])];
    if (c == '\0') return false;
    o[i] = c;
    any = static_cast<char>(any | (c ^ '0'));
  }
  if (any == 0) out.clear();  // all zero: invalid in OpenTelemetry
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
  std::size_t i = 0;
#if defined(__SSE2__)
  // Eight bytes at a time: each nibble n becomes '0' + n, plus 39 more ('a' - '0' - 10) past 9.
  char* o = out.data();
  for (; i + 8 <= raw.size(); i += 8) {
    const __m128i x = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(raw.data() + i));
    const __m128i nibbles = _mm_and_si128(_mm_unpacklo_epi8(_mm_srli_epi16(x, 4), x),
                                          _mm_set1_epi8(0x0f));  // high, low, ...
    const __m128i letters =
        _mm_and_si128(_mm_cmpgt_epi8(nibbles, _mm_set1_epi8(9)), _mm_set1_epi8('a' - '0' - 10));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(o + 2 * i),
                     _mm_add_epi8(_mm_add_epi8(nibbles, _mm_set1_epi8('0')), letters));
    all_zero = all_zero && _mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_setzero_si128())) == 0xFFFF;
  }
#endif
  for (; i < raw.size(); ++i) {
    const auto b = static_cast<unsigned char>(raw[i]);
    all_zero = all_zero && b == 0;
    out[2 * i] = kHex[b >> 4];
    out[2 * i + 1] = kHex[b & 15];
  }
  if (all_zero) out.clear();
}

}  // namespace kvonce::otlp

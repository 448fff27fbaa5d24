// The 16-byte test both the string scan's x86 paths and the reader's inline fast path make
// (private to json/): a bit per byte of the 16 at p that ends a plain run of a string. One signed
// compare finds both the control bytes (0x00..0x1f) and the non-ASCII ones (0x80..0xff, negative
// as signed bytes), beside the quote and the backslash.
#pragma once

#if defined(__x86_64__)
#include <emmintrin.h>

namespace kvonce::json {

inline unsigned special16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i hit = _mm_or_si128(
      _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
      _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
  return static_cast<unsigned>(_mm_movemask_epi8(hit));
}

}  // namespace kvonce::json
#endif

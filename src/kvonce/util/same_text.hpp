// Equality of two texts of the same length, in word compares rather than a call to memcmp:
// member and attribute names, compared on the readers' hot path, are short.
#pragma once

#include <cstdint>
#include <cstring>

namespace kvonce {

inline bool same_text(const char* a, const char* b, std::size_t n) {
  const auto word = [](const char* p) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
  };
  if (n >= 8) {
    if (word(a) != word(b) || word(a + n - 8) != word(b + n - 8)) return false;
    return n <= 16 || std::memcmp(a + 8, b + 8, n - 16) == 0;
  }
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace kvonce

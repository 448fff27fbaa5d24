#include "kvonce/json/string_scan.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

#include "kvonce/json/special16.hpp"

#if defined(__x86_64__)
#include <immintrin.h>
#define KVONCE_SCAN_X86 1
#elif defined(__aarch64__)
#include <arm_neon.h>
#define KVONCE_SCAN_NEON 1
#endif

namespace kvonce::json {
namespace {

// Plain bytes: not '"', '\\', a control byte or a non-ASCII byte.
constexpr auto kPlain = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = c != '"' && c != '\\';
  return t;
}();

std::size_t bytewise_run(const char* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n && kPlain[static_cast<unsigned char>(p[i])]) ++i;
  return i;
}

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

// Eight bytes in a word. The word test may flag a plain byte next to a special one (borrows
// cross bytes); the byte loop then decides.
std::size_t portable_run(const char* p, std::size_t n) {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t v;
    std::memcpy(&v, p + i, 8);
    const std::uint64_t quote = v ^ (kOnes * '"');
    const std::uint64_t slash = v ^ (kOnes * '\\');
    const std::uint64_t special =
        ((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash) | (v - kOnes * 0x20) | v;
    if (special & kHighs) break;
  }
  return i + bytewise_run(p + i, n - i);
}

#if KVONCE_SCAN_X86
// The last n - i (< 16) bytes: one load that ends at p + n and overlaps bytes already known to
// be plain, when the range is long enough; else byte by byte (a range under 16 bytes).
inline std::size_t sse2_tail(const char* p, std::size_t i, std::size_t n) {
  if (i == n) return n;
  if (n < 16) return i + bytewise_run(p + i, n - i);
  const unsigned mask = special16(p + n - 16) >> (16 - (n - i));
  return mask ? i + static_cast<std::size_t>(std::countr_zero(mask)) : n;
}

std::size_t sse2_run(const char* p, std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    if (const unsigned mask = special16(p + i)) return i + std::countr_zero(mask);
  }
  return sse2_tail(p, i, n);
}

// Most strings of a payload (member names, ids, short values) end within 16 bytes: the first
// block is checked with 16-byte compares, which need no 32-byte constants, and only a longer
// string goes on 32 bytes at a time.
__attribute__((target("avx2"))) std::size_t avx2_run(const char* p, std::size_t n) {
  if (n < 16) return sse2_tail(p, 0, n);
  if (const unsigned mask = special16(p)) return static_cast<std::size_t>(std::countr_zero(mask));
  if (n < 48) return 16 + sse2_run(p + 16, n - 16);
  const __m256i quote = _mm256_set1_epi8('"'), slash = _mm256_set1_epi8('\\');
  const __m256i space = _mm256_set1_epi8(0x20);
  std::size_t i = 16;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    const __m256i hit =
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, slash)),
                        _mm256_cmpgt_epi8(space, v));
    if (const auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(hit))) {
      return i + std::countr_zero(mask);
    }
  }
  if (i + 16 <= n) {
    if (const unsigned mask = special16(p + i)) return i + std::countr_zero(mask);
    i += 16;
  }
  return sse2_tail(p, i, n);
}

bool cpu_has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2");
}
#endif

#if KVONCE_SCAN_NEON
// Four bits per byte of the 16 at p that is special (NEON has no movemask: a narrowing shift
// packs the compare into 64 bits). Signed compare as on x86: control and non-ASCII bytes at once.
inline std::uint64_t special16(const char* p) {
  const uint8x16_t v = vld1q_u8(reinterpret_cast<const std::uint8_t*>(p));
  const uint8x16_t hit =
      vorrq_u8(vorrq_u8(vceqq_u8(v, vdupq_n_u8('"')), vceqq_u8(v, vdupq_n_u8('\\'))),
               vcltq_s8(vreinterpretq_s8_u8(v), vdupq_n_s8(0x20)));
  return vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(hit), 4)), 0);
}

std::size_t neon_run(const char* p, std::size_t n) {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    if (const std::uint64_t mask = special16(p + i)) return i + std::countr_zero(mask) / 4;
  }
  if (i == n) return n;
  if (n < 16) return i + bytewise_run(p + i, n - i);
  const std::uint64_t mask = special16(p + n - 16) >> (4 * (16 - (n - i)));
  return mask ? i + static_cast<std::size_t>(std::countr_zero(mask)) / 4 : n;
}
#endif

}  // namespace

PlainRunFn plain_run_for(ScanPath path) {
  switch (path) {
    case ScanPath::portable: return &portable_run;
#if KVONCE_SCAN_X86
    case ScanPath::sse2: return &sse2_run;
    case ScanPath::avx2: return cpu_has_avx2() ? &avx2_run : nullptr;
#endif
#if KVONCE_SCAN_NEON
    case ScanPath::neon: return &neon_run;
#endif
    default: return nullptr;
  }
}

ScanPath best_scan_path() {
  static const ScanPath best = [] {
    for (const ScanPath path : {ScanPath::avx2, ScanPath::neon, ScanPath::sse2}) {
      if (plain_run_for(path)) return path;
    }
    return ScanPath::portable;
  }();
  return best;
}

std::string_view to_string(ScanPath path) {
  switch (path) {
    case ScanPath::portable: return "portable";
    case ScanPath::sse2: return "sse2";
    case ScanPath::avx2: return "avx2";
    case ScanPath::neon: return "neon";
  }
  return "?";
}

}  // namespace kvonce::json

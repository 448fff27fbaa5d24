#include "kvonce/util/keyed_hash.hpp"

#include <bit>
#include <cstring>
#include <random>

#include <sys/random.h>

namespace kvonce {
namespace {

HashKey draw_key() {
  HashKey key;
  unsigned char bytes[16];
  std::size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  if (got < sizeof bytes) {  // no getrandom (old kernel, seccomp): the library's device
    std::random_device rd;
    for (unsigned char& b : bytes) b = static_cast<unsigned char>(rd());
  }
  std::memcpy(&key.k0, bytes, 8);
  std::memcpy(&key.k1, bytes + 8, 8);
  return key;
}

struct State {
  std::uint64_t v0, v1, v2, v3;

  void round() {
    v0 += v1;
    v1 = std::rotl(v1, 13);
    v1 ^= v0;
    v0 = std::rotl(v0, 32);
    v2 += v3;
    v3 = std::rotl(v3, 16);
    v3 ^= v2;
    v0 += v3;
    v3 = std::rotl(v3, 21);
    v3 ^= v0;
    v2 += v1;
    v1 = std::rotl(v1, 17);
    v1 ^= v2;
    v2 = std::rotl(v2, 32);
  }
  template <int N>
  void rounds() {
    for (int i = 0; i < N; ++i) round();
  }
  std::uint64_t fold() const { return v0 ^ v1 ^ v2 ^ v3; }
};

std::uint64_t load_le(const char* p, std::size_t n) {
  std::uint64_t m = 0;
  for (std::size_t i = 0; i < n; ++i)
    m |= std::uint64_t{static_cast<unsigned char>(p[i])} << (8 * i);
  return m;
}

// Absorbs the message; `wide` selects the 128-bit variant's initial tweak.
template <int C>
State absorb(const HashKey& key, std::string_view bytes, bool wide) {
  State s{key.k0 ^ 0x736f6d6570736575ULL, key.k1 ^ 0x646f72616e646f6dULL,
          key.k0 ^ 0x6c7967656e657261ULL, key.k1 ^ 0x7465646279746573ULL};
  if (wide) s.v1 ^= 0xee;
  const char* p = bytes.data();
  const std::size_t whole = bytes.size() & ~std::size_t{7};
  for (std::size_t i = 0; i < whole; i += 8) {
    std::uint64_t m;
    std::memcpy(&m, p + i, 8);
    if constexpr (std::endian::native == std::endian::big) m = load_le(p + i, 8);
    s.v3 ^= m;
    s.template rounds<C>();
    s.v0 ^= m;
  }
  const std::uint64_t last =
      (std::uint64_t{bytes.size()} << 56) | load_le(p + whole, bytes.size() - whole);
  s.v3 ^= last;
  s.template rounds<C>();
  s.v0 ^= last;
  return s;
}

}  // namespace

const HashKey& process_hash_key() {
  static const HashKey key = draw_key();
  return key;
}

template <int C, int D>
std::uint64_t siphash64(const HashKey& key, std::string_view bytes) {
  State s = absorb<C>(key, bytes, false);
  s.v2 ^= 0xff;
  s.template rounds<D>();
  return s.fold();
}

template <int C, int D>
Hash128 siphash128(const HashKey& key, std::string_view bytes) {
  State s = absorb<C>(key, bytes, true);
  s.v2 ^= 0xee;
  s.template rounds<D>();
  Hash128 out;
  out.lo = s.fold();
  s.v1 ^= 0xdd;
  s.template rounds<D>();
  out.hi = s.fold();
  return out;
}

template std::uint64_t siphash64<1, 3>(const HashKey&, std::string_view);
template std::uint64_t siphash64<2, 4>(const HashKey&, std::string_view);
template Hash128 siphash128<1, 3>(const HashKey&, std::string_view);
template Hash128 siphash128<2, 4>(const HashKey&, std::string_view);

}  // namespace kvonce

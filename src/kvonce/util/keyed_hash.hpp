// SipHash, keyed with a secret drawn from the OS once per process, for every table indexed by
// text a payload chose (keys, span ids). An unkeyed hash lets a payload pick strings that share
// one hash value and turn each lookup into a scan of all of them (65,536 such keys took seconds
// instead of milliseconds); without the key, such strings cannot be chosen in advance.
#pragma once

#include <cstdint>
#include <string_view>

namespace kvonce {

struct HashKey {
  std::uint64_t k0 = 0, k1 = 0;
};

struct Hash128 {
  std::uint64_t lo = 0, hi = 0;
};

// 16 bytes from the OS random source (getrandom), drawn on first use and the same for the rest
// of the process.
const HashKey& process_hash_key();

// SipHash-c-d of `bytes` under `key` (SipHash-2-4 is the reference; 1-3 is the fast variant).
template <int C, int D>
std::uint64_t siphash64(const HashKey& key, std::string_view bytes);
template <int C, int D>
Hash128 siphash128(const HashKey& key, std::string_view bytes);

// The tables' hash: SipHash-1-3 under the process key.
inline std::uint64_t keyed_hash(std::string_view bytes, const HashKey& key = process_hash_key()) {
  return siphash64<1, 3>(key, bytes);
}

extern template std::uint64_t siphash64<1, 3>(const HashKey&, std::string_view);
extern template std::uint64_t siphash64<2, 4>(const HashKey&, std::string_view);
extern template Hash128 siphash128<1, 3>(const HashKey&, std::string_view);
extern template Hash128 siphash128<2, 4>(const HashKey&, std::string_view);

}  // namespace kvonce

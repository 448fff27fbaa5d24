// Keys chosen to collide in an unkeyed hash table: every key's std::hash value has the same low
// `bits` bits, so a linear-probing table with at most 2^bits slots starts every key at the same
// slot. This is what a payload can do to a table indexed by std::hash (the hash-flooding attack);
// a table keyed with a secret is not affected. Shared by the unit tests and the benchmark
// payload generator. Deterministic: the same arguments give the same keys.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kvonce::test {

inline std::vector<std::string> keys_colliding_in_std_hash(std::size_t count, int bits) {
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  std::vector<std::string> keys;
  keys.reserve(count);
  // "flood-" and a decimal counter, incremented in place: about 2^bits candidates per key.
  std::string key = "flood-0";
  const auto next = [&key] {
    std::size_t i = key.size();
    while (key[--i] == '9') key[i] = '0';
    if (key[i] == '-')
      key.insert(i + 1, 1, '1');
    else
      ++key[i];
  };
  const std::uint64_t target = std::hash<std::string_view>{}(key)&mask;
  for (; keys.size() < count; next()) {
    if ((std::hash<std::string_view>{}(key)&mask) == target) keys.push_back(key);
  }
  return keys;
}

}  // namespace kvonce::test

namespace kvonce::test {

// Texts that all share ONE std::hash value (libstdc++'s 64-bit _Hash_bytes, a MurmurHash variant
// with a fixed seed): `prefix` (a multiple of 8 bytes, so the blocks below are aligned), then
// `chunks` blocks of 16 bytes, each one of two variants, then `suffix`: 2^chunks texts of one
// length. The hash's state before each block is known (nothing in it is secret), so for each
// block two pairs of 8-byte words are searched that leave the same state after it: the first
// words are any two, the second ones must cancel the difference the first ones made. The words
// are printable ASCII without '"' or '\', so they sit in a JSON string as they are.
inline std::vector<std::string> texts_sharing_std_hash(int chunks, const std::string& prefix,
                                                       const std::string& suffix) {
  constexpr std::uint64_t mul = (std::uint64_t{0xc6a4a793} << 32) + 0x5bd1e995;
  constexpr std::uint64_t seed = 0xc70f6907;
  std::uint64_t inverse = mul;  // Newton's iteration: mul * inverse == 1 (mod 2^64)
  for (int i = 0; i < 6; ++i) inverse *= 2 - mul * inverse;
  const auto mix = [&](std::uint64_t w) {  // what one 8-byte word adds to the state
    w *= mul;
    w ^= w >> 47;
    return w * mul;
  };
  const auto unmix = [&](std::uint64_t d) {
    d *= inverse;
    d ^= d >> 47;
    return d * inverse;
  };
  const auto step = [&](std::uint64_t h, std::uint64_t word) { return (h ^ mix(word)) * mul; };
  const auto load = [](const std::string& s, std::size_t at) {
    std::uint64_t w = 0;
    for (int i = 7; i >= 0; --i) w = w << 8 | static_cast<unsigned char>(s[at + i]);
    return w;
  };
  const auto text_of = [](std::uint64_t word) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(word >> (8 * i));  // little-endian
    return out;
  };
  const auto printable = [](std::uint64_t word) {
    for (int i = 0; i < 8; ++i) {
      const auto c = static_cast<unsigned char>(word >> (8 * i));
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') return false;
    }
    return true;
  };
  std::uint64_t rng = 0x9e3779b97f4a7c15ULL;  // deterministic: the same texts every time
  const auto random_word = [&] {
    std::uint64_t w = 0;
    for (int i = 0; i < 8; ++i) {
      rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
      w = w << 8 | (0x30 + (rng >> 33) % 0x4a);  // '0'..'y': no quote, one backslash
      if ((w & 0xff) == '\\') w ^= 1;
    }
    return w;
  };
  const std::size_t length = prefix.size() + 16 * static_cast<std::size_t>(chunks) + suffix.size();
  std::uint64_t h = seed ^ (length * mul);
  for (std::size_t at = 0; at + 8 <= prefix.size(); at += 8) h = step(h, load(prefix, at));
  std::vector<std::pair<std::string, std::string>> variants;
  while (static_cast<int>(variants.size()) < chunks) {
    const std::uint64_t a1 = random_word(), b1 = random_word();
    if (a1 == b1) continue;
    const std::uint64_t ha = step(h, a1), hb = step(h, b1);
    for (int tries = 0; tries < 1000000; ++tries) {
      const std::uint64_t a2 = random_word(), b2 = unmix(mix(a2) ^ ha ^ hb);
      if (!printable(b2)) continue;
      variants.emplace_back(text_of(a1) + text_of(a2), text_of(b1) + text_of(b2));
      h = step(ha, a2);
      break;
    }
  }
  std::vector<std::string> out;
  out.reserve(std::size_t{1} << chunks);
  for (std::uint64_t n = 0; n < (std::uint64_t{1} << chunks); ++n) {
    std::string text = prefix;
    for (int c = 0; c < chunks; ++c) text += (n >> c & 1) ? variants[c].second : variants[c].first;
    out.push_back(text + suffix);
  }
  return out;
}

}  // namespace kvonce::test

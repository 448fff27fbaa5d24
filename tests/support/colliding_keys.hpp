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

#include <string>
#include <unordered_map>
#include <vector>

#include <catch2/catch.hpp>

#include "kvonce/util/key_index.hpp"

using kvonce::KeyIndex;

TEST_CASE("KeyIndex numbers keys densely in order of first sight") {
  KeyIndex index;
  const std::string a = "alpha", b = "beta", a2 = "alpha";
  CHECK(index.insert(a) == std::pair<std::uint32_t, bool>{0, true});
  CHECK(index.insert(b) == std::pair<std::uint32_t, bool>{1, true});
  CHECK(index.insert(a2) == std::pair<std::uint32_t, bool>{0, false});  // same bytes, other copy
  CHECK(index.size() == 2);
}

TEST_CASE("KeyIndex tells apart the empty key, prefixes and keys with NUL bytes") {
  KeyIndex index;
  const std::string empty, k = "k", k0("k\0", 2), kk = "kk";
  CHECK(index.insert(empty).second);
  CHECK(index.insert(k).second);
  CHECK(index.insert(k0).second);
  CHECK(index.insert(kk).second);
  CHECK(index.insert(std::string()).first == 0);
  CHECK(index.insert(std::string("k\0", 2)).first == 2);
  CHECK(index.size() == 4);
}

TEST_CASE("KeyIndex agrees with std::unordered_map through many growths") {
  // 200,000 keys force the table through many doublings; every key is looked up again after.
  std::vector<std::string> keys;
  for (int i = 0; i < 200000; ++i) keys.push_back("key-" + std::to_string(i * 7919 % 200000));
  KeyIndex index;
  std::unordered_map<std::string, std::uint32_t> expected;
  for (const std::string& k : keys) {
    const auto [slot, fresh] = index.insert(k);
    const auto [it, inserted] =
        expected.try_emplace(k, static_cast<std::uint32_t>(expected.size()));
    REQUIRE(fresh == inserted);
    REQUIRE(slot == it->second);
  }
  CHECK(index.size() == expected.size());
  for (const std::string& k : keys) REQUIRE(index.insert(k) == std::pair{expected.at(k), false});
}

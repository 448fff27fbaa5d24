#include <string>
#include <unordered_map>
#include <vector>

#include <catch2/catch.hpp>

#include "kvonce/util/key_index.hpp"

#include "support/colliding_keys.hpp"

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

TEST_CASE("KeyIndex: keys chosen to collide in std::hash do not pile into one probe chain") {
  // 1,024 keys whose std::hash values share their low 12 bits: an unkeyed table of 4,096 slots
  // starts every one of them at the same slot, about n^2/2 = 524,288 probes in all.
  const std::vector<std::string> keys = kvonce::test::keys_colliding_in_std_hash(1024, 12);
  KeyIndex index;
  for (const std::string& k : keys) REQUIRE(index.insert(k).second);
  CHECK(index.size() == keys.size());
  CHECK(index.probes() < 4 * keys.size());
}

TEST_CASE("KeyIndex: the hash is keyed, so another key spreads keys differently") {
  // The same keys under two keys of the hash: the numbering agrees, the probe counts (where the
  // keys landed) almost surely do not, and neither depends on std::hash.
  std::vector<std::string> keys;
  for (int i = 0; i < 5000; ++i) keys.push_back("k" + std::to_string(i));
  KeyIndex a(kvonce::HashKey{1, 2}), b(kvonce::HashKey{3, 4});
  for (const std::string& k : keys) REQUIRE(a.insert(k) == b.insert(k));
  CHECK(a.probes() != b.probes());
}

TEST_CASE("KeyIndex: find looks a key up without adding it") {
  KeyIndex index;
  CHECK_FALSE(index.find("a"));
  const std::string a = "a", b = "b", empty;
  index.insert(a);
  index.insert(b);
  index.insert(empty);
  CHECK(index.find("a") == 0u);
  CHECK(index.find("b") == 1u);
  CHECK(index.find("") == 2u);
  CHECK_FALSE(index.find("c"));
  CHECK(index.size() == 3);
}

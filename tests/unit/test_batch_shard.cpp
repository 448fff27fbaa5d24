// --shard I/N: parsing, and every payload in exactly one shard whatever the listing order.
#include <algorithm>
#include <map>
#include <random>

#include <catch2/catch.hpp>

#include "kvonce/batch/shard.hpp"
#include "kvonce/crypto/crypto.hpp"
#include "kvonce/util/error.hpp"

using namespace kvonce;
using namespace kvonce::batch;

TEST_CASE("parse_shard") {
  SECTION("I of N counts from 1, as test runners' --shard does") {
    const Shard a = parse_shard("1/1");
    CHECK((a.index == 0 && a.count == 1));
    const Shard b = parse_shard("4/4");
    CHECK((b.index == 3 && b.count == 4));
    CHECK(b.str() == "4/4");
  }
  SECTION("0/N is refused, saying that shards count from 1") {
    try {
      parse_shard("0/4");
      FAIL("accepted 0/4");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::usage);
      CHECK_THAT(e.what(), Catch::Contains("count from 1") && Catch::Contains("1/4") &&
                               Catch::Contains("4/4"));
    }
  }
  SECTION("malformed shards are usage errors") {
    for (const char* bad : {"", "1", "1/", "/4", "a/4", "1/b", "-1/4", "1/0", "0/0", "5/4", "1/4/2",
                            " 1/4", "1/4 ", "0/100001", "99999999999/4"}) {
      CHECK_THROWS_AS(parse_shard(bad), Error);
    }
  }
}

TEST_CASE("source_hash") {
  // The first 8 bytes of SHA-256("abc") = ba7816bf8f01cfea.
  CHECK(crypto::sha256_hex("abc").substr(0, 16) == "ba7816bf8f01cfea");
  CHECK(source_hash("abc") == 0xba7816bf8f01cfeaULL);
}

TEST_CASE("in_shard: N shards cover every payload exactly once, whatever the order") {
  std::vector<std::string> sources;
  for (int day = 1; day <= 31; ++day) {
    for (int i = 0; i < 40; ++i) {
      sources.push_back("s3://bkt/kvonce-trace/2025/10/" + std::to_string(day) + "/part-" +
                        std::to_string(i) + ".json.gz");
    }
  }
  std::mt19937 rng(42);
  for (std::uint32_t n : {1u, 2u, 3u, 4u, 7u, 16u, 100u}) {
    std::map<std::string, int> seen;
    std::map<std::string, std::uint32_t> shard_of;
    for (std::uint32_t i = 0; i < n; ++i) {
      // Each shard sees its own shuffled listing, as separate machines would.
      std::vector<std::string> listing = sources;
      std::shuffle(listing.begin(), listing.end(), rng);
      for (const std::string& s : listing) {
        if (!in_shard(s, Shard{i, n})) continue;
        ++seen[s];
        shard_of[s] = i;
      }
    }
    INFO("N = " << n);
    CHECK(seen.size() == sources.size());
    CHECK(std::all_of(seen.begin(), seen.end(), [](const auto& kv) { return kv.second == 1; }));
    // Shares are roughly even: no shard gets more than twice its fair share (1,240 payloads).
    std::map<std::uint32_t, std::size_t> sizes;
    for (const auto& [s, i] : shard_of) ++sizes[i];
    if (n <= 16) {
      CHECK(sizes.size() == n);
      for (const auto& [i, size] : sizes) CHECK(size <= 2 * sources.size() / n);
    }
  }
}

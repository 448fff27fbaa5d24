// SipHash against the reference vectors of its authors, and the process key.
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/util/keyed_hash.hpp"

using namespace kvonce;

namespace {

// The reference key 00 01 .. 0f and message 00 01 .. (n-1) of the SipHash paper's vectors.
const HashKey kRefKey{0x0706050403020100ULL, 0x0f0e0d0c0b0a0908ULL};

std::string ref_message(std::size_t n) {
  std::string m;
  for (std::size_t i = 0; i < n; ++i) m.push_back(static_cast<char>(i));
  return m;
}

}  // namespace

TEST_CASE("siphash64<2, 4> matches the reference vectors") {
  CHECK(siphash64<2, 4>(kRefKey, ref_message(0)) == 0x726fdb47dd0e0e31ULL);
  CHECK(siphash64<2, 4>(kRefKey, ref_message(15)) == 0xa129ca6149be45e5ULL);
}

TEST_CASE("siphash128<2, 4> matches the reference vector of the empty message") {
  // a3 81 7f 04 ba 25 a8 e6 | 6d f6 72 14 c7 55 02 93, read little-endian.
  const Hash128 h = siphash128<2, 4>(kRefKey, ref_message(0));
  CHECK(h.lo == 0xe6a825ba047f81a3ULL);
  CHECK(h.hi == 0x930255c71472f66dULL);
}

TEST_CASE("keyed_hash depends on the key and on every byte") {
  const HashKey a{1, 2}, b{1, 3};
  CHECK(keyed_hash("alpha", a) != keyed_hash("alpha", b));
  CHECK(keyed_hash("alpha", a) != keyed_hash("alphb", a));
  CHECK(keyed_hash(std::string("a\0", 2), a) != keyed_hash("a", a));
}

TEST_CASE("the process hash key is drawn once, and not left zero") {
  const HashKey& k = process_hash_key();
  CHECK(&k == &process_hash_key());
  CHECK((k.k0 != 0 || k.k1 != 0));
}

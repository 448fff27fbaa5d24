// Memory for large tables: zero-filled arrays, aligned for huge pages when large, moved safely.
#include <cstdint>
#include <new>
#include <utility>

#include <catch2/catch.hpp>

#include "kvonce/util/large_memory.hpp"

using namespace kvonce;

namespace {

struct Slot {
  std::uint64_t a, b;
  std::uint32_t c;
};

bool all_zero(const LargeArray<Slot>& array) {
  for (const Slot& s : array) {
    if (s.a != 0 || s.b != 0 || s.c != 0) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("LargeArray is zero-filled at every size, and a large one starts on a 2 MiB boundary") {
  for (const std::size_t n : {std::size_t{1}, std::size_t{1000}, std::size_t{300'000}}) {
    LargeArray<Slot> array(n);
    REQUIRE(array.size() == n);
    CHECK(all_zero(array));
    array[n - 1] = Slot{1, 2, 3};  // the last element is usable memory
    CHECK(array[n - 1].c == 3);
    if (n * sizeof(Slot) >= (std::size_t{2} << 20)) {
      CHECK(reinterpret_cast<std::uintptr_t>(&array[0]) % (std::uintptr_t{2} << 20) == 0);
    }
  }
  // Memory handed back and taken again is zero-filled too, not what the last owner left.
  for (int round = 0; round < 3; ++round) {
    LargeArray<Slot> array(300'000);
    CHECK(all_zero(array));
    for (Slot& s : array) s = Slot{~0ULL, ~0ULL, ~0U};
  }
}

TEST_CASE("LargeArray refuses a size whose bytes overflow") {
  CHECK_THROWS_AS(LargeArray<Slot>(SIZE_MAX / sizeof(Slot) + 1), std::bad_alloc);
}

TEST_CASE("LargeArray moves its memory and leaves the source empty") {
  LargeArray<Slot> a(5000);
  a[4999].a = 42;
  const Slot* at = &a[0];
  LargeArray<Slot> b(std::move(a));
  CHECK(a.empty());
  CHECK(a.begin() == a.end());
  REQUIRE(b.size() == 5000);
  CHECK(&b[0] == at);
  CHECK(b[4999].a == 42);
  LargeArray<Slot> c(10);
  c = std::move(b);
  CHECK(b.empty());
  CHECK(c.size() == 5000);
  CHECK(c[4999].a == 42);
}

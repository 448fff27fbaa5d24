#include <catch2/catch.hpp>

#include "kvonce/util/time.hpp"

using namespace kvonce;

TEST_CASE("format_iso_millis truncates to milliseconds") {
  CHECK(format_iso_millis(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso_millis(1760000000000000000ULL) == "2025-10-09T08:53:20.000Z");
  CHECK(format_iso_millis(1760000000999999999ULL) == "2025-10-09T08:53:20.999Z");
  CHECK(format_iso_millis(951782400000000000ULL) == "2000-02-29T00:00:00.000Z");
  CHECK(format_iso_millis(UINT64_MAX) == "2554-07-21T23:34:33.709Z");
}

TEST_CASE("parse_iso_nanos") {
  CHECK(parse_iso_nanos("2025-10-09T08:53:20.000Z") == 1760000000000000000ULL);
  CHECK(parse_iso_nanos("2025-10-09T08:53:20Z") == 1760000000000000000ULL);
  CHECK(parse_iso_nanos("2025-10-09T08:53:20.123456789Z") == 1760000000123456789ULL);
  CHECK(parse_iso_nanos("2025-10-09T10:53:20+02:00") == 1760000000000000000ULL);
  CHECK(parse_iso_nanos("2025-10-09 08:53:20.5z") == 1760000000500000000ULL);
  SECTION("round trip over the whole range") {
    for (std::uint64_t ns : {0ULL, 1ULL, 86399999999999ULL, 4102444800000000000ULL}) {
      CHECK(parse_iso_nanos(format_iso_millis(ns)) == ns / 1000000 * 1000000);
    }
  }
  SECTION("rejected") {
    CHECK_FALSE(parse_iso_nanos("2025-10-09T08:53:20"));  // no zone
    CHECK_FALSE(parse_iso_nanos("2025-02-30T00:00:00Z"));
    CHECK_FALSE(parse_iso_nanos("2025-10-09T24:00:00Z"));
    CHECK_FALSE(parse_iso_nanos("1969-12-31T23:59:59Z"));  // before the epoch
    CHECK_FALSE(parse_iso_nanos("2600-01-01T00:00:00Z"));  // beyond 2^64 ns
    CHECK_FALSE(parse_iso_nanos("2025-10-09T08:53:20.Z"));
    CHECK_FALSE(parse_iso_nanos("2025-10-09T08:53:20Zjunk"));
    CHECK_FALSE(parse_iso_nanos(""));
  }
}

TEST_CASE("parse_u64 is exact over the whole range") {
  CHECK(parse_u64("0") == 0ULL);
  CHECK(parse_u64("18446744073709551615") == UINT64_MAX);
  CHECK_FALSE(parse_u64("18446744073709551616"));
  CHECK_FALSE(parse_u64("-1"));
  CHECK_FALSE(parse_u64("1e9"));
  CHECK_FALSE(parse_u64(""));
}

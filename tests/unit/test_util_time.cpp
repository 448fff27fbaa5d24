#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <random>
#include <string>

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

TEST_CASE("format_iso_millis gives every instant its own text, in any order of calls") {
  // The writer keeps the last second's text: instants in the same second, the next one, a day
  // apart, before the epoch and back again must each read as the calendar says.
  const auto reference = [](std::int64_t ms) {
    using namespace std::chrono;
    const sys_time<milliseconds> t{milliseconds{ms}};
    const auto day = floor<days>(t);
    const year_month_day ymd{day};
    const hh_mm_ss hms{t - day};
    char buf[96];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                  unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                  int(hms.minutes().count()), int(hms.seconds().count()),
                  int(hms.subseconds().count()));
    return std::string(buf);
  };
  std::mt19937_64 rng(5);
  const std::int64_t first = -62'167'219'200'000, last = 253'402'300'799'999;  // years 0..9999
  std::int64_t ms = 1'760'000'000'000;
  for (int i = 0; i < 20000; ++i) {
    switch (rng() % 6) {
      case 0: ms += 1; break;
      case 1: ms -= static_cast<std::int64_t>(rng() % 1000); break;
      case 2: ms += 86'400'000; break;
      case 3: ms = -ms; break;
      case 4:
        ms = first + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(last - first));
        break;
      default: ms += static_cast<std::int64_t>(rng() % 3000); break;
    }
    ms = std::clamp(ms, first, last);
    INFO(ms);
    REQUIRE(format_iso_millis(static_cast<Nanos>(ms) * 1'000'000) == reference(ms));
  }
}

TEST_CASE("floor_millis: the millisecond an instant lies in, floored on both sides of 2^63") {
  CHECK(floor_millis(0) == 0);
  CHECK(floor_millis(999'999) == 0);
  CHECK(floor_millis(1'000'000) == 1);
  CHECK(floor_millis(-1) == -1);  // before the epoch: the millisecond before it
  CHECK(floor_millis(-1'000'000) == -1);
  CHECK(floor_millis(-1'000'001) == -2);
  const Nanos past_int64 = static_cast<Nanos>(INT64_MAX) + 1;  // the 128-bit path
  CHECK(floor_millis(past_int64) == static_cast<std::int64_t>(past_int64 / 1'000'000));
  CHECK(floor_millis(static_cast<Nanos>(INT64_MAX)) == INT64_MAX / 1'000'000);
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

TEST_CASE("parse_u64 reads eight digits at a time as from_chars reads one at a time") {
  std::mt19937 rng(3);
  for (std::size_t n = 1; n <= 24; ++n) {
    for (int b = 0; b < 256; b += (n % 3 == 0 ? 1 : 7)) {
      std::string text;
      for (std::size_t i = 0; i < n; ++i) text += static_cast<char>('0' + rng() % 10);
      if (b != '0') text[rng() % n] = static_cast<char>(b);  // one byte that may not be a digit
      std::uint64_t value = 0;
      const auto [ptr, ec] = std::from_chars(text.data(), text.data() + n, value);
      const bool whole = ec == std::errc() && ptr == text.data() + n;
      INFO(text);
      REQUIRE(parse_u64(text) == (whole ? std::optional<std::uint64_t>(value) : std::nullopt));
    }
  }
  CHECK(parse_u64("9999999999999999999") == 9999999999999999999ULL);  // the longest fast case
  CHECK(parse_u64("0000000000000000000000001") == 1ULL);
  CHECK(parse_u64("1760000000000091127") == 1760000000000091127ULL);
  CHECK_FALSE(parse_u64("17600000:0000091127"));
  CHECK_FALSE(parse_u64("176000/0000000091127"));
}

TEST_CASE("parse_iso_instant: years 0000 to 9999 as signed nanoseconds") {
  CHECK(parse_iso_instant("1969-12-31T23:59:59.999Z") == Nanos{-1'000'000});
  CHECK(parse_iso_instant("1970-01-01T00:00:00Z") == Nanos{0});
  CHECK(parse_iso_instant("0000-01-01T00:00:00Z") == Nanos{-62'167'219'200} * 1'000'000'000);
  CHECK(parse_iso_instant("9999-12-31T23:59:59.999999999Z") ==
        Nanos{253'402'300'799} * 1'000'000'000 + 999'999'999);
  CHECK_FALSE(parse_iso_instant("0000-01-01T00:30:00+01:00"));  // year -1 in UTC
  CHECK_FALSE(parse_iso_instant("9999-12-31T23:30:00-01:00"));  // year 10000 in UTC
  for (const char* iso :
       {"0000-01-01T00:00:00.000Z", "0000-03-01T12:34:56.789Z", "1969-12-31T23:59:59.999Z",
        "1900-02-28T12:00:00.500Z", "2600-01-01T00:00:00.000Z", "9999-12-31T23:59:59.999Z"}) {
    CHECK(format_iso_millis(*parse_iso_instant(iso)) == iso);
  }
  // Truncated toward the past: 1 ns before the epoch is in the millisecond before it.
  CHECK(format_iso_millis(Nanos{-1}) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("json_number_u64: the exact integer value of a JSON number") {
  CHECK(json_number_u64("1.76e18") == 1760000000000000000ULL);
  CHECK(json_number_u64("176E16") == 1760000000000000000ULL);
  CHECK(json_number_u64("1.76000000000000001e18") == 1760000000000000010ULL);
  CHECK(json_number_u64("17600e-2") == 176ULL);
  CHECK(json_number_u64("0") == 0ULL);
  CHECK(json_number_u64("-0.0e5") == 0ULL);
  CHECK(json_number_u64("18446744073709551615") == UINT64_MAX);
  CHECK(json_number_u64("1.8446744073709551615e19") == UINT64_MAX);
  CHECK_FALSE(json_number_u64("18446744073709551616"));
  CHECK_FALSE(json_number_u64("1e20"));
  CHECK_FALSE(json_number_u64("1e999999999999999999999"));
  CHECK_FALSE(json_number_u64("1.5e0"));
  CHECK_FALSE(json_number_u64("1760000000000000000.5"));
  CHECK_FALSE(json_number_u64("-1"));
  CHECK_FALSE(json_number_u64("1e-400"));
}

// --from/--to: the days of the kvonce-trace/YYYY/MM/DD/ layout.
#include <catch2/catch.hpp>

#include "kvonce/batch/dates.hpp"
#include "kvonce/util/error.hpp"

using namespace kvonce;
using kvonce::batch::dates_in_range;

TEST_CASE("dates_in_range") {
  SECTION("one day, and a range across a month and a leap day") {
    CHECK(dates_in_range("2025-10-09", "2025-10-09") == std::vector<std::string>{"2025-10-09"});
    CHECK(dates_in_range("2024-02-28", "2024-03-01") ==
          std::vector<std::string>{"2024-02-28", "2024-02-29", "2024-03-01"});
    CHECK(dates_in_range("2025-12-31", "2026-01-01") ==
          std::vector<std::string>{"2025-12-31", "2026-01-01"});
  }
  SECTION("a month is 31 days in order") {
    const auto days = dates_in_range("2025-10-01", "2025-10-31");
    REQUIRE(days.size() == 31);
    CHECK(days.front() == "2025-10-01");
    CHECK(days[9] == "2025-10-10");
    CHECK(days.back() == "2025-10-31");
  }
  SECTION("malformed or impossible dates are usage errors naming the option") {
    for (const char* bad : {"2025-02-29", "2025-13-01", "2025-1-01", "20251001", "2025-10-0x",
                            "1969-12-31", "", "2025-10-01T00"}) {
      try {
        dates_in_range(bad, "2026-01-01");
        FAIL("accepted " << bad);
      } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::usage);
        CHECK_THAT(e.what(), Catch::Contains("--from"));
      }
    }
    try {
      dates_in_range("2025-10-01", "2025-02-30");
      FAIL("accepted --to 2025-02-30");
    } catch (const Error& e) {
      CHECK_THAT(e.what(), Catch::Contains("--to '2025-02-30'"));
    }
  }
  SECTION("--to before --from, and a range over the limit") {
    CHECK_THROWS_WITH(dates_in_range("2025-10-02", "2025-10-01"), Catch::Contains("before --from"));
    CHECK_THROWS_WITH(dates_in_range("2000-01-01", "2025-01-01"), Catch::Contains("at most 3660"));
    CHECK(dates_in_range("2000-01-01", "2010-01-07").size() == 3660);
  }
}

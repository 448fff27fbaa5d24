// Appending to files shared with other steps ($GITHUB_STEP_SUMMARY, $GITHUB_OUTPUT).
#include <catch2/catch.hpp>

#include "kvonce/report/append_file.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

TEST_CASE("append_to_file") {
  TempDir dir;
  SECTION("creates, then appends after what others wrote") {
    report::append_to_file(dir / "f", "one\n");
    report::append_to_file(dir / "f", "two\n");
    CHECK(read_file(dir / "f") == "one\ntwo\n");
  }
  SECTION("an unwritable place is an output error naming it, and leaves nothing") {
    try {
      report::append_to_file(dir / "no" / "such" / "f", "x");
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::output);
      CHECK_THAT(e.what(), Catch::Contains("no/such/f") && Catch::Contains("cannot open"));
    }
    CHECK(dir.files().empty());
  }
  SECTION("a full device: the partial append is cut back") {
    REQUIRE(std::filesystem::exists("/dev/full"));  // Linux's always-full device
    try {
      report::append_to_file("/dev/full", std::string(1 << 16, 'x'));
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::output);
      CHECK_THAT(e.what(), Catch::Contains("append failed"));
    }
  }
}

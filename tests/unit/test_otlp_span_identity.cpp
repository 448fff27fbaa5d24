#include <string>
#include <unordered_set>

#include <catch2/catch.hpp>

#include "kvonce/otlp/span_identity.hpp"

using kvonce::otlp::SpanIdentitySet;

TEST_CASE("SpanIdentitySet: a pair is new once") {
  SpanIdentitySet seen;
  CHECK(seen.insert("0102", "aa"));
  CHECK_FALSE(seen.insert("0102", "aa"));
  CHECK(seen.insert("0102", "ab"));  // same trace, other span
  CHECK(seen.insert("0103", "aa"));  // same span id, other trace
  CHECK(seen.size() == 3);
}

TEST_CASE("SpanIdentitySet: the boundary between the ids counts") {
  SpanIdentitySet seen;
  CHECK(seen.insert("ab", "c"));
  CHECK(seen.insert("a", "bc"));
  CHECK(seen.insert("abc", ""));
  CHECK(seen.insert("", "abc"));
  CHECK(seen.size() == 4);
}

TEST_CASE("SpanIdentitySet agrees with std::unordered_set through many growths") {
  SpanIdentitySet seen;
  std::unordered_set<std::string> expected;
  for (int i = 0; i < 300000; ++i) {
    // Every third pair repeats an earlier one.
    const int n = i % 3 == 2 ? i / 3 : i;
    const std::string trace = "trace-" + std::to_string(n / 7), span = std::to_string(n);
    REQUIRE(seen.insert(trace, span) == expected.insert(trace + "/" + span).second);
  }
  CHECK(seen.size() == expected.size());
}

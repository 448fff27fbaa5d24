#include <string>
#include <unordered_set>

#include <catch2/catch.hpp>

#include "kvonce/otlp/span_identity.hpp"

using kvonce::Hash128;
using kvonce::HashKey;
using kvonce::otlp::SpanIdentitySet;

namespace {

// Injected fingerprints: every pair lands on the same slot (equal low words); the high word is
// the pair's true fingerprint, or a constant when the whole fingerprint is forced.
Hash128 same_slot(const HashKey& key, std::string_view trace_id, std::string_view span_id) {
  return {42, kvonce::otlp::span_fingerprint(key, trace_id, span_id).hi};
}

}  // namespace

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

TEST_CASE("SpanIdentitySet: pairs whose fingerprints share 64 bits are still told apart") {
  SpanIdentitySet seen(HashKey{5, 6}, &same_slot);
  for (int i = 0; i < 200; ++i) REQUIRE(seen.insert("trace", "span-" + std::to_string(i)));
  for (int i = 0; i < 200; ++i) REQUIRE_FALSE(seen.insert("trace", "span-" + std::to_string(i)));
  CHECK(seen.size() == 200);
}

TEST_CASE("span_fingerprint is keyed: 128 bits that change with the process key") {
  const Hash128 a = kvonce::otlp::span_fingerprint(HashKey{1, 2}, "0af7651916cd43dd", "b7ad6b71");
  const Hash128 b = kvonce::otlp::span_fingerprint(HashKey{1, 3}, "0af7651916cd43dd", "b7ad6b71");
  CHECK((a.lo != b.lo && a.hi != b.hi));
  // The ids' boundary is part of the identity, under any key.
  const Hash128 c = kvonce::otlp::span_fingerprint(HashKey{1, 2}, "0af7651916cd43ddb", "7ad6b71");
  CHECK((a.lo != c.lo || a.hi != c.hi));
}

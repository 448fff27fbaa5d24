// Profile `compat`: the JavaScript validator's verdicts, quirks pinned one by one.
#include <catch2/catch.hpp>

#include "kvonce/payload/load.hpp"
#include "kvonce/rules/attempt.hpp"
#include "kvonce/rules/verify.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::rules;

namespace {

std::string line(const std::string& type, const std::string& key, const std::string& extra = "") {
  return R"({"timestamp":"2025-10-04T06:00:00Z","type":")" + type + R"(","key":")" + key + "\"" +
         (extra.empty() ? "" : "," + extra) + "}\n";
}

std::vector<std::string> check(const std::string& text, std::int64_t max_retries = 3) {
  std::vector<std::string> out;
  for (const auto& i : verify_compat(test::load_ndjson(text), max_retries).issues) {
    out.push_back(std::string(to_string(i.type)) + ":" + i.key + ":" + i.message);
  }
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("compat: the reference samples are accepted") {
  for (const char* name : {"kvonce-otlp.json", "kvonce-sample.ndjson"}) {
    EventStore store;
    payload::load_files({test::test_data(name)}, payload::Format::autodetect, {}, store);
    CHECK(verify_compat(store, 3).issues.empty());
  }
}

TEST_CASE("compat: multiple-success counts, order does not matter") {
  CHECK(check(line("success", "a") + line("success", "a") + line("success", "a")) ==
        V{"multiple-success:a:success appeared 3 times"});
  const EventStore store =
      test::load_ndjson(line("success", "a") + line("success", "b") + line("success", "a"));
  CHECK(verify_compat(store, 3).keys == 2);
}

TEST_CASE("compat: duplicate-without-success needs no success at all and the exact reason") {
  CHECK(check(line("failure", "a", R"("reason":"duplicate")")) ==
        V{"duplicate-without-success:a:duplicate failure emitted before any success"});
  CHECK(check(line("failure", "a", R"("reason":"duplicate")") + line("success", "a")).empty());
  CHECK(check(line("failure", "a", R"("reason":"DUPLICATE")")).empty());
  CHECK(check(line("failure", "a", R"("reason":" duplicate")")).empty());
}

TEST_CASE("compat: retry-bound-exceeded") {
  std::string four;
  for (int i = 0; i < 4; ++i) four += line("retry", "a");
  CHECK(check(four) == V{"retry-bound-exceeded:a:retry count 4 exceeded MAX_RETRIES 3"});
  CHECK(check(four, 4).empty());
}

TEST_CASE("compat: attempt rules look only at retries with a context") {
  SECTION("retries without a context are ignored") {
    CHECK(check(line("retry", "a") + line("success", "a", R"("context":{"attempts":9})")).empty());
  }
  SECTION("a context without a numeric attempt is missing; null counts as a context") {
    CHECK(check(line("retry", "a", R"("context":{"x":1})")) ==
          V{"retry-context-missing:a:retry event missing attempt number in context"});
    CHECK(check(line("retry", "a", R"("context":null)")) ==
          V{"retry-context-missing:a:retry event missing attempt number in context"});
    CHECK(check(line("retry", "a", R"("context":"{\"attempts\":1}")")) ==
          V{"retry-context-missing:a:retry event missing attempt number in context"});
  }
  SECTION("out of sequence only when none is missing") {
    CHECK(check(line("retry", "a", R"("context":{"attempts":2})")) ==
          V{"retry-attempt-out-of-sequence:a:retry attempt 2 expected 1"});
    CHECK(check(line("retry", "a", R"("context":{"attempts":2})") +
                line("retry", "a", R"("context":{})")) ==
          V{"retry-context-missing:a:retry event missing attempt number in context"});
    CHECK(check(line("retry", "a", R"("context":1.5)")) ==
          V{"retry-attempt-out-of-sequence:a:retry attempt 1.5 expected 1"});
  }
  SECTION("attempt wins over attempts") {
    CHECK(check(line("retry", "a", R"("context":{"attempt":1,"attempts":5})")).empty());
    CHECK(compat_attempt(std::string_view(R"({"attempt":1,"attempts":5})")) == 1.0);
  }
  SECTION("success attempt checked against the first numeric success attempt") {
    const std::string retry = line("retry", "a", R"("context":{"attempts":1})");
    CHECK(check(retry + line("success", "a", R"("context":{"attempts":3})")) ==
          V{"success-attempt-mismatch:a:success attempt 3 inconsistent with 1 retries"});
    CHECK(check(retry + line("success", "a", R"("context":{})") +
                line("success", "a", R"("context":{"attempts":2})"))
              .size() == 1);  // only multiple-success: the first numeric attempt is right
    CHECK(check(line("success", "a", R"("context":{"attempts":3})")).empty());  // no retry context
  }
}

TEST_CASE("compat: unknown types are not issues") {
  CHECK(check(line("delete", "a") + line("Success", "a")).empty());
}

TEST_CASE("compat: keys in JavaScript object order") {
  const std::string text = line("success", "b") + line("success", "b") + line("success", "10") +
                           line("success", "10") + line("success", "2") + line("success", "2") +
                           line("success", "01") + line("success", "01");
  const auto issues = check(text);
  REQUIRE(issues.size() == 4);
  CHECK_THAT(issues[0], Catch::StartsWith("multiple-success:2:"));
  CHECK_THAT(issues[1], Catch::StartsWith("multiple-success:10:"));
  CHECK_THAT(issues[2], Catch::StartsWith("multiple-success:b:"));
  CHECK_THAT(issues[3], Catch::StartsWith("multiple-success:01:"));
}

TEST_CASE("compat: issues are located at their first offending event") {
  const auto store =
      test::load_ndjson(line("success", "a") + line("retry", "a") + line("success", "a"));
  const auto issues = verify_compat(store, 3).issues;
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].event_index == 2);
}

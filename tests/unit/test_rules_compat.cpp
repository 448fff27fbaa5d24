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

// The minimal traces of the differential run against the JavaScript pipeline; each expected
// verdict and message is what projector-kvonce.mjs -> validate-kvonce.mjs gives for the trace.
namespace {

const std::string kT = R"("timestamp":"2025-10-09T08:00:00.000Z",)";

std::string nd(const std::string& members) {
  return "{" + kT + members + "}\n";
}

}  // namespace

TEST_CASE("compat: an NDJSON key is exactly its JSON string") {
  CHECK(check(nd(R"("type":"success","key":"k","value":"v")") +
              nd(R"("type":"success","key":"k ","value":"v")"))
            .empty());
  CHECK(check(nd(R"("type":"success","key":"k\u00a0","value":"v")") +
              nd(R"("type":"success","key":"k","value":"v")"))
            .empty());
}

TEST_CASE("compat: an NDJSON type that is not exactly success is kept as an unknown type") {
  CHECK(check(nd(R"("type":"success ","key":"k","value":"v")") +
              nd(R"("type":"success","key":"k","value":"v")"))
            .empty());
  CHECK(check(nd(R"("type":"retry\t","key":"k")") + nd(R"("type":"retry","key":"k")") +
              nd(R"("type":"retry","key":"k")") + nd(R"("type":"retry","key":"k")"))
            .empty());
}

TEST_CASE("compat: events without a key, type or time are kept as the reference keeps them") {
  SECTION("a null or missing key is the key unknown") {
    CHECK(check(nd(R"("type":"failure","reason":"duplicate")") +
                nd(R"("type":"failure","key":null,"reason":"duplicate")")) ==
          V{"duplicate-without-success:unknown:duplicate failure emitted before any success"});
    CHECK(check(nd(R"("type":"success","value":"v")") +
                nd(R"("type":"success","key":"unknown","value":"v")")) ==
          V{"multiple-success:unknown:success appeared 2 times"});
  }
  SECTION("a duplicate failure without a timestamp still counts") {
    CHECK(check(R"({"type":"failure","key":"k","reason":"duplicate"})"
                "\n") ==
          V{"duplicate-without-success:k:duplicate failure emitted before any success"});
    CHECK(check(R"({"timestamp":"yesterday","type":"failure","key":"k","reason":"duplicate"})"
                "\n") ==
          V{"duplicate-without-success:k:duplicate failure emitted before any success"});
  }
  SECTION("an empty, null or missing type is an unknown type") {
    CHECK(check(nd(R"("type":"","key":"k","value":"v")") + nd(R"("key":"k")") +
                nd(R"("type":null,"key":"k")") + nd(R"("type":"success","key":"k","value":"v")"))
              .empty());
  }
  SECTION("they decide the order of issues: integer-like keys first, then first appearance") {
    const std::string dup = R"("type":"failure","reason":"duplicate")";
    CHECK(check("{\"key\":\"b\"," + dup + "}\n" + nd(R"("key":"10",)" + dup) +
                "{\"timestamp\":\"garbage\",\"key\":\"a\"," + dup + "}\n" +
                nd(R"("key":"2",)" + dup)) ==
          V{"duplicate-without-success:2:duplicate failure emitted before any success",
            "duplicate-without-success:10:duplicate failure emitted before any success",
            "duplicate-without-success:b:duplicate failure emitted before any success",
            "duplicate-without-success:a:duplicate failure emitted before any success"});
  }
}

TEST_CASE("compat: a number key and a string key collapse as Object.fromEntries collapses them") {
  const std::string number = nd(R"("type":"success","key":10,"value":"v")");
  const std::string string = nd(R"("type":"success","key":"10","value":"v")");
  const std::string exponent = nd(R"("type":"success","key":1e1,"value":"v")");
  // 10 and 1e1 are one Map entry (two successes), "10" another; the entry made later wins.
  CHECK(check(number + string + exponent).empty());
  CHECK(check(string + number + exponent) == V{"multiple-success:10:success appeared 2 times"});
  SECTION("booleans, arrays, objects and -0 are named by String(key)") {
    CHECK(check(nd(R"("type":"success","key":true)") + nd(R"("type":"success","key":"true")"))
              .empty());
    CHECK(check(nd(R"("type":"success","key":[1,null,[2,3]])") +
                nd(R"("type":"success","key":"1,,2,3")"))
              .empty());
    CHECK(check(nd(R"("type":"success","key":{})") + nd(R"("type":"success","key":{"a":1})"))
              .empty());  // two Map entries by reference, one member "[object Object]"
    CHECK(check(nd(R"("type":"success","key":-0)") + nd(R"("type":"success","key":0)")) ==
          V{"multiple-success:0:success appeared 2 times"});
    CHECK(verify_compat(test::load_ndjson(number + string + exponent), 3).keys == 1);
  }
}

TEST_CASE("compat: messages print numbers as JavaScript does") {
  const auto retry = [](const std::string& key, const std::string& context) {
    return nd(R"("type":"retry","key":")" + key + R"(","context":)" + context);
  };
  CHECK(check(retry("a", R"({"attempt":-0})") + retry("b", R"({"attempt":0.000001})") +
              retry("c", R"({"attempt":1e-7})") + retry("d", "123456789012345678901") +
              retry("e", "9223372036854775807")) ==
        V{"retry-attempt-out-of-sequence:a:retry attempt 0 expected 1",
          "retry-attempt-out-of-sequence:b:retry attempt 0.000001 expected 1",
          "retry-attempt-out-of-sequence:c:retry attempt 1e-7 expected 1",
          "retry-attempt-out-of-sequence:d:retry attempt 123456789012345680000 expected 1",
          "retry-attempt-out-of-sequence:e:retry attempt 9223372036854776000 expected 1"});
  CHECK(check(nd(R"("type":"retry","key":"k","context":{"attempts":1})") +
              nd(R"("type":"success","key":"k","context":{"attempts":1e-7})")) ==
        V{"success-attempt-mismatch:k:success attempt 1e-7 inconsistent with 1 retries"});
}

TEST_CASE(
    "compat: a number beyond the double range is null, as the reference's projection writes it") {
  CHECK(check(nd(R"("type":"retry","key":"k","context":{"attempts":1e400})")) ==
        V{"retry-context-missing:k:retry event missing attempt number in context"});
  CHECK(check(nd(R"("type":"retry","key":"k","context":-1e400)")) ==
        V{"retry-context-missing:k:retry event missing attempt number in context"});
  // A success with such attempts has no numeric attempt, so it cannot mismatch.
  CHECK(check(nd(R"("type":"retry","key":"j","context":{"attempt":1})") +
              nd(R"("type":"success","key":"j","context":{"attempts":1e400})"))
            .empty());
  // attempt turns null, so attempts decides.
  CHECK(check(nd(R"("type":"retry","key":"i","context":{"attempt":1e400,"attempts":1})")).empty());
  CHECK(compat_attempt(std::string_view("1e-400")) == 0.0);
}

TEST_CASE(
    "compat: OTLP type, key, trace id and actor are trimmed and numbers read as the converter "
    "did") {
  // The expected issues are what convert-otlp-kvonce.mjs -> projector -> validator report.
  const std::string attr_type = R"({"key":"kvonce.event.type","value":)";
  const std::string attr_key = R"({"key":"kvonce.event.key","value":)";
  const std::string attr_context = R"({"key":"kvonce.event.context","value":)";
  const auto span = [](int i, const std::string& trace, const std::vector<std::string>& attrs) {
    std::string out = R"({"traceId":")" + trace + R"(","startTimeUnixNano":"176000000)" +
                      std::to_string(i) + R"(000000000","attributes":[)";
    for (std::size_t a = 0; a < attrs.size(); ++a) out += (a ? "," : "") + attrs[a] + "}";
    return out + "]}";
  };
  const std::vector<std::string> spans = {
      span(0, "\\u00a0abc\\u3000",
           {attr_type + R"({"stringValue":"success\u2028"})",
            attr_key + R"({"stringValue":"\u00a0k"})",
            R"({"key":"kvonce.event.actor","value":{"stringValue":"\ufeffme"})"}),
      span(1, "t2",
           {attr_type + R"({"stringValue":"success"})", attr_key + R"({"stringValue":"k"})"}),
      span(2, "t3",
           {attr_type + R"({"stringValue":"retry"})", attr_key + R"({"stringValue":"j"})",
            attr_context + R"({"intValue":"9223372036854775808"})"}),
      span(3, "t4",
           {attr_type + R"({"stringValue":"success"})",
            attr_key + R"({"intValue":"12345678901234567890123"})"}),
      span(4, "t5",
           {attr_type + R"({"stringValue":"retry"})", attr_key + R"({"stringValue":"h"})",
            attr_context + R"({"intValue":"abc"})"}),
      span(5, "t6",
           {attr_type + R"({"stringValue":"retry"})", attr_key + R"({"doubleValue":1.50})",
            attr_context + R"({"intValue":"0x1"})"}),
  };
  std::string doc = R"({"resourceSpans":[{"scopeSpans":[{"spans":[)";
  for (std::size_t i = 0; i < spans.size(); ++i) doc += (i ? "," : "") + spans[i];
  doc += "]}]}]}";
  const EventStore store = test::load_otlp(doc);
  REQUIRE(store.size() == 6);
  CHECK(store[0].trace_id == "abc");
  CHECK(store[0].actor == "me");
  CHECK(store[3].key == "1.2345678901234568e+22");
  CHECK(store[5].key == "1.5");
  std::vector<std::string> issues;
  for (const auto& i : verify_compat(store, 3).issues) {
    issues.push_back(std::string(to_string(i.type)) + ":" + i.key + ":" + i.message);
  }
  CHECK(issues == V{"multiple-success:k:success appeared 2 times",
                    "retry-attempt-out-of-sequence:j:retry attempt 9223372036854776000 expected 1",
                    "retry-context-missing:h:retry event missing attempt number in context"});
}

// Profile `spec`: each rule alone, at its boundaries, combined; ordering; a property test.
#include <cstdio>
#include <random>

#include <catch2/catch.hpp>

#include "kvonce/payload/load.hpp"
#include "kvonce/rules/attempt.hpp"
#include "kvonce/rules/verify.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::rules;

namespace {

// Builds NDJSON lines tersely: ev("retry","k","{\"attempts\":1}")
struct Trace {
  std::string text;
  int t = 0;
  Trace& ev(const std::string& type, const std::string& key, const std::string& context = "",
            const std::string& extra = "") {
    char stamp[32];
    std::snprintf(stamp, sizeof stamp, "2025-10-04T%02d:%02d:%02d.000Z", 6 + t / 3600, t / 60 % 60,
                  t % 60);
    text += std::string("{\"timestamp\":\"") + stamp + "\",\"type\":\"" + type + "\",\"key\":\"" +
            key + "\"";
    if (!context.empty()) text += ",\"context\":" + context;
    if (!extra.empty()) text += "," + extra;
    text += "}\n";
    ++t;
    return *this;
  }
  Trace& success(const std::string& key, int attempts) {
    return ev("success", key, "{\"attempts\":" + std::to_string(attempts) + "}", "\"value\":\"v\"");
  }
  Trace& retry(const std::string& key, int attempts) {
    return ev("retry", key, "{\"attempts\":" + std::to_string(attempts) + "}");
  }
};

std::vector<Issue> check(const Trace& trace, std::int64_t max_retries = 3) {
  const EventStore store = test::load_ndjson(trace.text);
  return verify_spec(store, max_retries).issues;
}

std::vector<std::string> types(const std::vector<Issue>& issues) {
  std::vector<std::string> out;
  for (const auto& i : issues) out.push_back(std::string(to_string(i.type)) + ":" + i.key);
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("spec: a conformant trace is valid") {
  Trace t;
  t.success("a", 1).retry("b", 1).retry("b", 2).retry("b", 3).success("b", 4);
  t.ev("failure", "a", "", "\"reason\":\"duplicate\"")
      .ev("failure", "c", "", "\"reason\":\"timeout\"");
  CHECK(check(t).empty());
  CHECK(verify_spec(test::load_ndjson(t.text), 3).keys == 3);  // a, b, c
}

TEST_CASE("spec: unknown-event-type is case-sensitive") {
  Trace t;
  t.ev("Success", "a").ev("put", "a").ev("put", "a");
  const auto issues = check(t);
  REQUIRE(types(issues) == V{"unknown-event-type:a"});
  CHECK_THAT(issues[0].message, Catch::Contains("\"Success\"") && Catch::Contains("3 occurrences"));
  CHECK(issues[0].count == 3);
  CHECK(issues[0].event_index == 0);
}

TEST_CASE("spec: multiple-success") {
  Trace t;
  t.success("a", 1).success("a", 1).success("a", 1);
  const auto issues = check(t);
  REQUIRE(types(issues) == V{"multiple-success:a"});
  CHECK(issues[0].event_index == 1);
  CHECK(issues[0].count == 2);
}

TEST_CASE("spec: success-without-value") {
  Trace t;
  t.ev("success", "a", "{\"attempts\":1}").ev("success", "b", "{\"attempts\":1}", "\"value\":null");
  t.ev("success", "c", "{\"attempts\":1}", "\"value\":0");
  CHECK(types(check(t)) == V{"success-without-value:a", "success-without-value:b"});
}

TEST_CASE("spec: duplicate-before-success (trimmed, any case)") {
  Trace t;
  t.ev("failure", "a", "", "\"reason\":\" DUPLICATE \"").success("a", 1);
  t.ev("failure", "a", "", "\"reason\":\"duplicate\"");
  t.ev("failure", "b", "", "\"reason\":\"timeout\"");
  const auto issues = check(t);
  REQUIRE(types(issues) == V{"duplicate-before-success:a"});
  CHECK(issues[0].event_index == 0);
  CHECK(issues[0].count == 1);
}

TEST_CASE("spec: retry-bound-exceeded at exactly max retries + 1") {
  Trace three, four;
  three.retry("a", 1).retry("a", 2).retry("a", 3).success("a", 4);
  four.retry("a", 1).retry("a", 2).retry("a", 3).retry("a", 4).success("a", 5);
  CHECK(check(three).empty());
  const auto issues = check(four);
  REQUIRE(types(issues) == V{"retry-bound-exceeded:a"});
  CHECK(issues[0].event_index == 3);
  SECTION("--max-retries moves the bound") {
    CHECK(check(four, 4).empty());
    CHECK(types(check(three, 2)) == V{"retry-bound-exceeded:a"});
  }
}

TEST_CASE("spec: retry-context-missing and retry-attempt-out-of-sequence") {
  Trace t;
  t.ev("retry", "a").ev("retry", "a", "\"2\"").retry("b", 2).retry("b", 2).success("a", 3);
  t.ev("retry", "c", "{\"attempts\":1.5}").ev("retry", "d", "{\"attempts\":true}");
  const auto issues = check(t);
  CHECK(types(issues) == V{"retry-context-missing:a", "retry-attempt-out-of-sequence:b",
                           "retry-context-missing:c", "retry-context-missing:d"});
  CHECK_THAT(issues[1].message, Catch::Contains("retry 1 carries attempts 2, expected 1"));
}

TEST_CASE("spec: success-context-missing and success-attempt-mismatch") {
  Trace t;
  t.ev("success", "a", "", "\"value\":1").retry("b", 1).success("b", 1).success("c", 1);
  const auto issues = check(t);
  CHECK(types(issues) == V{"success-context-missing:a", "success-attempt-mismatch:b"});
  CHECK_THAT(issues[1].message, Catch::Contains("attempts 1, expected 2 after 1 retries"));
}

TEST_CASE("spec: the attempt number of a context") {
  CHECK(spec_attempt(std::string_view("3")) == 3);
  CHECK(spec_attempt(std::string_view("2.0")) == 2);
  CHECK(spec_attempt(std::string_view("2e0")) == 2);
  CHECK_FALSE(spec_attempt(std::string_view("1.5")));
  CHECK_FALSE(spec_attempt(std::string_view("\"2\"")));
  CHECK_FALSE(spec_attempt(std::string_view("true")));
  CHECK_FALSE(spec_attempt(std::string_view("null")));
  CHECK_FALSE(spec_attempt(std::nullopt));
  CHECK(spec_attempt(std::string_view("9223372036854775807")) == INT64_MAX);
  CHECK(spec_attempt(std::string_view("9223372036854775808"))->text == "9223372036854775808");
  CHECK_FALSE(spec_attempt(std::string_view("9223372036854775808"))->value);
  CHECK(spec_attempt(std::string_view(R"({"attempts":2,"attempt":5})")) == 2);
  CHECK(spec_attempt(std::string_view(R"({"attempt":5})")) == 5);
  CHECK(spec_attempt(std::string_view(R"({"attempts":"x","attempt":5})")) == 5);
  CHECK(spec_attempt(std::string_view(R"({"attempts":1,"attempts":4})")) == 4);  // last wins
  CHECK(spec_attempt(std::string_view(R"("{\"attempts\": 3}")")) == 3);          // JSON in a string
  CHECK_FALSE(spec_attempt(std::string_view(R"("3")")));
  CHECK_FALSE(spec_attempt(std::string_view(R"([3])")));
}

TEST_CASE("spec: the reference samples are rejected") {
  for (const char* name : {"kvonce-otlp.json", "kvonce-sample.ndjson"}) {
    EventStore store;
    payload::load_files({test::test_data(name)}, payload::Format::autodetect, {}, store);
    store.sort_by_time();
    const auto t = types(verify_spec(store, 3).issues);
    CHECK(std::count(t.begin(), t.end(), "duplicate-before-success:beta") == 1);
    CHECK(std::count(t.begin(), t.end(), "success-context-missing:alpha") == 1);
    CHECK(std::count(t.begin(), t.end(), "success-context-missing:beta") == 1);
    CHECK(std::count(t.begin(), t.end(), "retry-context-missing:beta") == 1);
  }
}

TEST_CASE("spec: time order is stable for ties, input order is kept as given") {
  // Same timestamps: ties must keep input order (retry 1 before retry 2).
  std::string text;
  for (const char* attempts : {"1", "2"}) {
    text +=
        std::string(
            R"({"timestamp":"2025-10-04T06:00:00Z","type":"retry","key":"k","context":{"attempts":)") +
        attempts + "}}\n";
  }
  text +=
      R"({"timestamp":"2025-10-04T05:59:59Z","type":"success","key":"k","value":1,"context":{"attempts":3}})"
      "\n";
  EventStore store = test::load_ndjson(text);
  CHECK(verify_spec(store, 3).issues.empty());  // input order: retries 1, 2, then success 3
  store.sort_by_time();
  CHECK(types(verify_spec(store, 3).issues) == V{"success-attempt-mismatch:k"});  // success first
  CHECK(store[0].type == "success");
  CHECK(store[1].context == std::optional<std::string_view>(R"({"attempts":1})"));
}

TEST_CASE("spec property: random conformant traces are valid, one injected violation is found") {
  std::mt19937 rng(20251009);
  const std::vector<std::string> kinds{
      "multiple-success",        "success-without-value",    "duplicate-before-success",
      "retry-bound-exceeded",    "retry-context-missing",    "retry-attempt-out-of-sequence",
      "success-context-missing", "success-attempt-mismatch", "unknown-event-type"};
  for (int round = 0; round < 200; ++round) {
    const int keys = 1 + static_cast<int>(rng() % 20);
    Trace t;
    const int victim = static_cast<int>(rng() % keys);
    const std::string kind = kinds[rng() % kinds.size()];
    const bool inject = round % 2 == 1;
    for (int k = 0; k < keys; ++k) {
      const std::string key = "key" + std::to_string(k);
      const bool bad = inject && k == victim;
      int retries = static_cast<int>(rng() % 4);
      if (bad && kind == "retry-bound-exceeded") retries = 4;
      for (int r = 1; r <= retries; ++r) {
        if (bad && kind == "retry-context-missing" && r == 1)
          t.ev("retry", key);
        else if (bad && kind == "retry-attempt-out-of-sequence" && r == 1)
          t.retry(key, 7);
        else
          t.retry(key, r);
      }
      if (bad && kind == "retry-context-missing" && retries == 0) t.ev("retry", key), ++retries;
      if (bad && kind == "retry-attempt-out-of-sequence" && retries == 0)
        t.retry(key, 7), ++retries;
      if (bad && kind == "duplicate-before-success")
        t.ev("failure", key, "", "\"reason\":\"duplicate\"");
      if (bad && kind == "unknown-event-type") t.ev("delete", key);
      if (bad && kind == "success-without-value") {
        t.ev("success", key, "{\"attempts\":" + std::to_string(retries + 1) + "}");
      } else if (bad && kind == "success-context-missing") {
        t.ev("success", key, "", "\"value\":1");
      } else if (bad && kind == "success-attempt-mismatch") {
        t.success(key, retries + 2);
      } else {
        t.success(key, retries + 1);
      }
      if (bad && kind == "multiple-success") t.success(key, retries + 1);
      if (rng() % 3 == 0) t.ev("failure", key, "", "\"reason\":\"duplicate\"");
    }
    const auto issues = check(t);
    if (!inject) {
      CHECK(issues.empty());
      continue;
    }
    const std::string want = kind + ":key" + std::to_string(victim);
    const auto found = types(issues);
    INFO("round " << round << " injected " << want);
    CHECK(std::find(found.begin(), found.end(), want) != found.end());
    for (const auto& f : found) CHECK_THAT(f, Catch::EndsWith(":key" + std::to_string(victim)));
  }
}

// The minimal traces of the differential run: what the rules of docs/rules.md say about them.
namespace {

const std::string kT = R"("timestamp":"2025-10-09T08:00:00.000Z",)";

std::vector<std::string> spec_messages(const std::string& ndjson) {
  std::vector<std::string> out;
  for (const auto& i : verify_spec(test::load_ndjson(ndjson), 3).issues) {
    out.push_back(std::string(to_string(i.type)) + ":" + i.key + ":" + i.message);
  }
  return out;
}

std::string nd(const std::string& members) {
  return "{" + kT + members + "}\n";
}

const std::string kOk = R"("value":"v","context":{"attempts":1})";

}  // namespace

TEST_CASE("spec: an NDJSON key is exactly its JSON string") {
  CHECK(spec_messages(nd(R"("type":"success","key":"k",)" + kOk) +
                      nd(R"("type":"success","key":"k ",)" + kOk))
            .empty());
}

TEST_CASE("spec: an NDJSON type that is not exactly success is unknown-event-type") {
  CHECK(
      spec_messages(nd(R"("type":"success ","key":"k",)" + kOk)) ==
      V{R"(unknown-event-type:k:event type "success " is not success, retry or failure (1 occurrence))"});
  CHECK(
      spec_messages(nd(R"("type":"","key":"k")") + nd(R"("key":"k")") +
                    nd(R"("type":null,"key":"k")") + nd(R"("type":1,"key":"k")")) ==
      V{R"(unknown-event-type:k:event type "" is not success, retry or failure (4 occurrences))"});
  CHECK(spec_messages(nd(R"("key":"k")")) ==
        V{"unknown-event-type:k:event type null is not success, retry or failure (1 occurrence)"});
}

TEST_CASE("spec: a missing key, a non-string key and a missing time are issues, not skips") {
  CHECK(spec_messages(nd(R"("type":"failure","reason":"duplicate")") +
                      nd(R"("type":"failure","key":null,"reason":"duplicate")")) ==
        V{"key-missing:null:event carries no key (2 occurrences)"});
  CHECK(spec_messages(R"({"type":"failure","key":"k","reason":"duplicate"})"
                      "\n") ==
        V{"timestamp-missing:k:event carries no valid timestamp (1 occurrence)",
          "duplicate-before-success:k:failure with reason duplicate on a key not yet written (1 "
          "occurrence)"});
  SECTION("a number key is never merged with the string key of the same digits") {
    CHECK(spec_messages(nd(R"("type":"success","key":10,)" + kOk) +
                        nd(R"("type":"success","key":"10",)" + kOk) +
                        nd(R"("type":"success","key":1e1,)" + kOk)) ==
          V{"key-not-string:10:key 10 is not a JSON string (1 occurrence)",
            "key-not-string:1e1:key 1e1 is not a JSON string (1 occurrence)"});
  }
  SECTION("an event without a string key changes no key's state") {
    CHECK(spec_messages(nd(R"("type":"success","key":{"k":1},)" + kOk) +
                        nd(R"("type":"failure","key":"k","reason":"duplicate")")) ==
          V{R"(key-not-string:{"k":1}:key {"k":1} is not a JSON string (1 occurrence))",
            "duplicate-before-success:k:failure with reason duplicate on a key not yet written (1 "
            "occurrence)"});
  }
  SECTION("an untimed event is still replayed: last under time order") {
    const std::string untimed =
        R"({"type":"success","key":"k","value":"v","context":{"attempts":2}})"
        "\n";
    EventStore store =
        test::load_ndjson(untimed + nd(R"("type":"retry","key":"k","context":{"attempts":1})"));
    CHECK(verify_spec(store, 3).issues.size() == 2);  // untimed, and attempts 2 before retry 1
    store.sort_by_time();
    const auto issues = verify_spec(store, 3).issues;
    REQUIRE(issues.size() == 1);
    CHECK(issues[0].type == IssueType::timestamp_missing);
    CHECK(issues[0].event_index == 1);
    CHECK_FALSE(issues[0].timed);
  }
}

TEST_CASE("spec: attempts are exact integers of any size") {
  CHECK(spec_messages(
            nd(R"("type":"retry","key":"k","context":{"attempts":1000000000000000000000})")) ==
        V{"retry-attempt-out-of-sequence:k:retry 1 carries attempts 1000000000000000000000, "
          "expected 1 (1 occurrence)"});
  CHECK(spec_messages(nd(R"("type":"retry","key":"k","context":{"attempts":1e400})")) ==
        V{"retry-attempt-out-of-sequence:k:retry 1 carries attempts 1e400, expected 1 (1 "
          "occurrence)"});
  CHECK(spec_messages(nd(R"("type":"retry","key":"k","context":{"attempts":1e-400})")) ==
        V{"retry-context-missing:k:retry 1 carries no integer attempts in its context (1 "
          "occurrence)"});
  CHECK(spec_messages(nd(R"("type":"retry","key":"k","context":{"attempts":10e-1})") +
                      nd(R"("type":"retry","key":"k","context":{"attempts":0.2e1})"))
            .empty());
  CHECK(spec_attempt(std::string_view("-0")) == 0);
  CHECK(spec_attempt(std::string_view("9007199254740993")) == 9007199254740993LL);
  CHECK(spec_attempt(std::string_view("-9223372036854775808")) == INT64_MIN);
  CHECK_FALSE(spec_attempt(std::string_view("1.0000000000000000000001")));
  CHECK_FALSE(spec_attempt(std::string_view("5e-324")));
}

TEST_CASE("spec: OTLP keys are trimmed as JavaScript trims them") {
  const EventStore store = test::load_otlp(test::otlp_doc(
      {test::kv_span(1, "success", "\\u00a0k",
                     test::raw_attr("kvonce.event.value", R"({"stringValue":"v"})") + "," +
                         test::raw_attr("kvonce.event.context", R"({"intValue":"1"})")),
       test::kv_span(2, "success\\u3000", "k\\ufeff",
                     test::raw_attr("kvonce.event.value", R"({"stringValue":"v"})") + "," +
                         test::raw_attr("kvonce.event.context", R"({"intValue":"1"})"))}));
  REQUIRE(store.size() == 2);
  CHECK(types(verify_spec(store, 3).issues) == V{"multiple-success:k"});
}

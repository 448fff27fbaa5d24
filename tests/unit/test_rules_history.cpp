// Key histories: which events, how many, and how values are cut.
#include <catch2/catch.hpp>

#include "kvonce/rules/history.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

std::string line(int second, const std::string& type, const std::string& key,
                 const std::string& rest = "") {
  const std::string ss = (second < 10 ? "0" : "") + std::to_string(second);
  return "{\"timestamp\":\"2025-10-09T08:00:" + ss + ".000Z\",\"type\":\"" + type +
         "\",\"key\":" + key + rest + "}\n";
}

std::vector<rules::Issue> judged(const EventStore& store, rules::Profile profile) {
  std::vector<rules::Issue> issues = rules::verify(store, {profile, 3}).issues;
  rules::attach_histories(store, profile, issues);
  return issues;
}

const rules::Issue& only(const std::vector<rules::Issue>& issues, rules::IssueType type) {
  for (const auto& i : issues)
    if (i.type == type) return i;
  FAIL("no issue of that type");
  return issues.front();
}

}  // namespace

TEST_CASE("history: the key's events up to the offending one, 0-based, other keys left out") {
  const EventStore store =
      load_ndjson(line(0, "success", "\"a\"", ",\"value\":\"v1\",\"context\":{\"attempts\":1}") +
                  line(1, "success", "\"b\"", ",\"value\":\"x\",\"context\":{\"attempts\":1}") +
                  line(2, "success", "\"a\"", ",\"value\":\"v2\",\"context\":{\"attempts\":1}") +
                  line(3, "success", "\"a\"", ",\"value\":\"v3\",\"context\":{\"attempts\":1}"));
  const auto issues = judged(store, rules::Profile::spec);
  REQUIRE(issues.size() == 1);
  CHECK(issues[0].event_index == 2);
  CHECK(issues[0].history == std::vector<std::uint64_t>{0, 2});  // not event 3, after it
}

TEST_CASE("history: the last 10 events when the key has more") {
  std::string text;
  for (int i = 0; i < 14; ++i) text += line(i, "failure", "\"k\"", ",\"reason\":\"timeout\"");
  text += line(20, "retry", "\"k\"", ",\"context\":{\"attempts\":7}");
  const EventStore store = load_ndjson(text);
  const auto issues = judged(store, rules::Profile::spec);
  const auto& issue = only(issues, rules::IssueType::retry_attempt_out_of_sequence);
  CHECK(issue.event_index == 14);
  REQUIRE(issue.history.size() == rules::kMaxHistoryEvents);
  CHECK(issue.history.front() == 5);
  CHECK(issue.history.back() == 14);
}

TEST_CASE("history: only keys with issues are kept, and each issue of a key has its own") {
  std::string text = line(0, "retry", "\"k\"");  // retry-context-missing at 0
  for (int i = 1; i < 5; ++i) text += line(i, "failure", "\"ok\"", ",\"reason\":\"timeout\"");
  text += line(6, "success", "\"k\"", ",\"context\":{\"attempts\":2}");  // no value at 5
  const EventStore store = load_ndjson(text);
  const auto issues = judged(store, rules::Profile::spec);
  CHECK(only(issues, rules::IssueType::retry_context_missing).history ==
        std::vector<std::uint64_t>{0});
  CHECK(only(issues, rules::IssueType::success_without_value).history ==
        std::vector<std::uint64_t>{0, 5});
  for (const auto& i : issues) CHECK(i.key != "ok");
}

TEST_CASE("history: spec keeps a string key and a missing key apart, compat joins unknown") {
  const std::string text = line(0, "failure", "\"null\"", ",\"reason\":\"duplicate\"") +
                           "{\"timestamp\":\"2025-10-09T08:00:01.000Z\",\"type\":\"failure\","
                           "\"reason\":\"duplicate\"}\n" +
                           line(2, "failure", "\"unknown\"", ",\"reason\":\"duplicate\"");
  const EventStore store = load_ndjson(text);
  const auto spec = judged(store, rules::Profile::spec);
  CHECK(only(spec, rules::IssueType::duplicate_before_success).history ==
        std::vector<std::uint64_t>{0});
  CHECK(only(spec, rules::IssueType::key_missing).history == std::vector<std::uint64_t>{1});
  const auto compat = judged(store, rules::Profile::compat);
  for (const auto& issue : compat) {
    if (issue.key == "unknown") CHECK(issue.history == std::vector<std::uint64_t>{1});
  }
}

TEST_CASE("history: values are cut to 256 bytes on a UTF-8 boundary and marked") {
  bool cut = false;
  CHECK(rules::cut_utf8("short", 256, cut) == "short");
  CHECK_FALSE(cut);
  std::string text = "\"";
  for (int i = 0; i < 200; ++i) text += "é";  // 2 bytes each
  text += "\"";
  const std::string out = rules::cut_utf8(text, 256, cut);
  CHECK(cut);
  CHECK(out.size() <= 256);
  CHECK(out.substr(out.size() - 3) == "…");
  CHECK(out.size() == 1 + 126 * 2 + 3);  // the quote, whole characters, the mark
  // A 3-byte character straddling the limit is left out whole.
  const std::string euro = std::string(252, 'a') + "€€";
  CHECK(rules::cut_utf8(euro, 256, cut) == std::string(252, 'a') + "…");

  const EventStore store =
      load_ndjson(line(0, "success", "\"k\"", ",\"value\":" + text) + line(1, "success", "\"k\""));
  const rules::HistoryEvent e = rules::describe_event(store[0], 0, rules::Profile::spec);
  REQUIRE(e.value);
  CHECK(e.value->size() <= rules::kMaxHistoryValueBytes);
  CHECK(e.truncated);
  CHECK_FALSE(e.attempts);
}

TEST_CASE("history: attempts as each profile reads them") {
  const EventStore store =
      load_ndjson(line(0, "retry", "\"k\"", ",\"context\":{\"attempts\":2.0}") +
                  line(1, "retry", "\"k\"", ",\"context\":{\"attempt\":1.5}") +
                  line(2, "retry", "\"k\"", ",\"context\":{\"attempts\":1e400}"));
  CHECK(rules::describe_event(store[0], 0, rules::Profile::spec).attempts == "2");
  CHECK_FALSE(rules::describe_event(store[1], 1, rules::Profile::spec).attempts);
  CHECK(rules::describe_event(store[1], 1, rules::Profile::compat).attempts == "1.5");
  CHECK(rules::describe_event(store[2], 2, rules::Profile::spec).attempts == "\"1e400\"");
}

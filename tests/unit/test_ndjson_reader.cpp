#include <catch2/catch.hpp>

#include "kvonce/ndjson/reader.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

struct Loaded {
  EventStore store;
  ReadStats stats;
};

Loaded load(const std::string& text) {
  Loaded l;
  auto src = io::from_memory(text, "e.ndjson");
  ndjson::read_events(*src, {}, l.store, l.stats);
  return l;
}

}  // namespace

TEST_CASE("ndjson: the reference sample reads as four events") {
  const Loaded l = load(read_file(test_data("kvonce-sample.ndjson")));
  REQUIRE(l.store.size() == 4);
  CHECK(l.store[1].type == "failure");
  CHECK(l.store[1].reason == std::optional<std::string_view>("\"duplicate\""));
  CHECK(l.store[0].actor == "unknown");
  CHECK(l.store[0].trace_id == "ndjson-missing-traceid-l1");
  CHECK(l.store[3].value == std::optional<std::string_view>("\"v2\""));
}

TEST_CASE("ndjson: CRLF, blank and whitespace-only lines are fine") {
  const Loaded l = load(
      "\r\n{\"timestamp\":\"2025-10-04T06:00:00.000Z\",\"type\":\"success\",\"key\":\"a\"}\r\n"
      "   \t\n\n{\"timestamp\":\"2025-10-04T06:00:01.000Z\",\"type\":\"retry\",\"key\":\"b\"}");
  CHECK(l.store.size() == 2);
}

TEST_CASE("ndjson: a line is trimmed of JavaScript white space, as String.prototype.trim does") {
  const std::string line = R"({"timestamp":"2025-10-04T06:00:00.000Z","type":"success","key":"a"})";
  // U+00A0, U+2028, VT, FF, U+FEFF, U+3000, U+205F around lines, and a line of them only.
  const Loaded l = load("\xC2\xA0" + line + "\xE2\x80\xA8\n\v\f" + line + "\xEF\xBB\xBF\n" +
                        "\xE3\x80\x80\xE2\x81\x9F\n" + line);
  CHECK(l.store.size() == 3);
  CHECK(l.stats.records == 3);
  // U+0085 is not white space to JavaScript: still an error.
  CHECK_THROWS_AS(load(line + "\xC2\x85"), Error);
}

TEST_CASE("ndjson: a line that is JSON but no object is skipped and counted as {} is") {
  const std::string line = R"({"timestamp":"2025-10-04T06:00:00.000Z","type":"success","key":"a"})";
  const Loaded l = load("5\n\"x\"\n" + line + "\n[1,{\"type\":\"retry\"}]\nnull\ntrue\n{}");
  CHECK(l.store.size() == 1);
  CHECK(l.stats.records == 7);
  CHECK(l.stats.not_kvonce == 6);
}

TEST_CASE("ndjson: fields keep their JSON, unknown fields are ignored") {
  const Loaded l = load(
      R"({"traceId":" t1 ","timestamp":"2025-10-04T06:00:00.123456Z","actor":"me","event":"x","type":"success","key":7,"value":{"b":[1,2]},"reason":null,"context":{"attempts":1},"extra":[1]})");
  REQUIRE(l.store.size() == 1);
  const EventView e = l.store[0];
  CHECK(e.trace_id == "t1");
  CHECK(e.time_ns == 1759557600123456000ULL);
  CHECK(e.key == "7");
  CHECK(e.key_form == FieldForm::json);
  CHECK(e.value == std::optional<std::string_view>(R"({"b":[1,2]})"));
  CHECK(e.reason == std::optional<std::string_view>("null"));
  CHECK(e.context == std::optional<std::string_view>(R"({"attempts":1})"));
}

TEST_CASE("ndjson: a line that is not one JSON value is an input error naming the line") {
  const std::string ok = R"({"timestamp":"2025-10-04T06:00:00Z","type":"success","key":"a"})";
  for (const auto& [bad, what] : std::vector<std::pair<std::string, std::string>>{
           {"[1,2", "line 2"},
           {"{\"type\":", "line 2"},
           {ok + " " + ok, "line 2 must hold exactly one JSON object"},
           {"{\n\"type\":\"success\"}", "line 2 must hold exactly one JSON object"},
           {"not json", "line 2"}}) {
    try {
      load(ok + "\n" + bad + "\n" + ok);
      FAIL("no error for " << bad);
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::input);
      CHECK_THAT(e.what(), Catch::Contains(what) && Catch::Contains("e.ndjson"));
    }
  }
}

TEST_CASE("ndjson: records without type, key or a valid timestamp are kept, without both skipped") {
  const Loaded l = load(
      "{\"timestamp\":\"2025-10-04T06:00:00Z\",\"key\":\"a\"}\n"
      "{\"timestamp\":\"2025-10-04T06:00:00Z\",\"type\":\"success\",\"key\":null}\n"
      "{\"timestamp\":\"yesterday\",\"type\":\"success\",\"key\":\"a\"}\n"
      "{\"timestamp\":\"1969-13-31T23:59:59Z\",\"type\":\"success\",\"key\":\"a\"}\n"
      "{\"type\":\"success\",\"key\":\"a\"}\n"
      "{\"timestamp\":null,\"type\":\"\",\"key\":\"\"}\n"
      "{\"other\":1}\n"
      "{\"type\":null,\"key\":null}\n");
  REQUIRE(l.store.size() == 6);
  CHECK(l.store[0].type_form == FieldForm::missing);
  CHECK(l.store[0].key == "a");
  CHECK(l.store[1].key_form == FieldForm::missing);
  CHECK(l.store[1].timed);
  for (std::size_t i = 2; i < 6; ++i) {
    CHECK_FALSE(l.store[i].timed);
    CHECK(l.store[i].time_ns == 0);
  }
  CHECK(l.store[5].type_form == FieldForm::text);
  CHECK(l.store[5].type.empty());
  CHECK(l.store[5].key.empty());
  CHECK(l.stats.not_kvonce == 2);
  CHECK(l.stats.skipped() == 2);
  CHECK(l.stats.warnings.empty());  // nothing is skipped for its time
}

TEST_CASE("ndjson: a type and a key are exactly what the line holds") {
  const Loaded l =
      load(R"({"timestamp":"2025-10-04T06:00:00Z","type":"success ","key":" k\u00a0"})"
           "\n"
           R"({"timestamp":"2025-10-04T06:00:00Z","type":5,"key":10})"
           "\n"
           R"({"timestamp":"2025-10-04T06:00:00Z","type":"retry","key":1e1})"
           "\n"
           R"({"timestamp":"2025-10-04T06:00:00Z","type":"retry","key":[1, {"a" : true}]})"
           "\n");
  REQUIRE(l.store.size() == 4);
  CHECK(l.store[0].type == "success ");
  CHECK(l.store[0].key == " k\u00a0");
  CHECK(l.store[1].type_form == FieldForm::json);
  CHECK(l.store[1].type == "5");
  CHECK(l.store[1].key_form == FieldForm::json);
  CHECK(l.store[1].key == "10");
  CHECK(l.store[2].key == "1e1");
  CHECK(l.store[3].key == R"([1,{"a":true}])");
}

TEST_CASE("ndjson: events are written back in the form they were read") {
  // A timed event also carries its exact time; an untimed one has a null timestamp and no more.
  const std::string text =
      R"({"traceId":"t","timestamp":null,"actor":"a","event":5,"type":5,"key":10})"
      "\n"
      R"({"traceId":"t","timestamp":"2025-10-04T06:00:00.000Z","timeUnixNano":"1759557600000000000","actor":"a","event":null,"type":null,"key":"k "})"
      "\n"
      R"({"traceId":"t","timestamp":"2025-10-04T06:00:00.000Z","timeUnixNano":"1759557600000000000","actor":"a","event":"retry","type":"retry","key":null})"
      "\n";
  const Loaded l = load(text);
  std::string out;
  for (std::size_t i = 0; i < l.store.size(); ++i) append_event_line(out, l.store[i]);
  CHECK(out == text);
}

TEST_CASE("ndjson: timeUnixNano refines the timestamp within its millisecond, else is reported") {
  const Loaded l = load(
      R"({"timestamp":"2025-10-09T08:53:20.000Z","timeUnixNano":"1759999999999999999","type":"success","key":"a"})"
      "\n"
      R"({"timestamp":"2025-10-09T08:53:20.000Z","timeUnixNano":"1760000000000000007","type":"retry","key":"b"})"
      "\n"
      R"({"timestamp":"2025-10-09T08:53:20.000Z","timeUnixNano":"17600000000000000x","type":"retry","key":"c"})"
      "\n"
      R"({"timestamp":"2025-10-09T08:53:20.000Z","type":"retry","key":"d"})"
      "\n");
  REQUIRE(l.store.size() == 4);
  CHECK(l.store[0].time_ns == 1760000000000000000ULL);  // another millisecond: timestamp wins
  CHECK(l.store[1].time_ns == 1760000000000000007ULL);  // the same millisecond: exact
  CHECK(l.store[2].time_ns == 1760000000000000000ULL);
  CHECK(l.store[3].time_ns == 1760000000000000000ULL);  // old NDJSON without the field
  REQUIRE(l.stats.warnings.size() == 2);
  CHECK(l.stats.warnings[0] ==
        "e.ndjson: line 1: timeUnixNano \"1759999999999999999\" is not within the timestamp's "
        "millisecond; timestamp used");
  CHECK(l.stats.warnings[1] ==
        "e.ndjson: line 3: timeUnixNano \"17600000000000000x\" is not an unsigned integer; "
        "timestamp used");
}

TEST_CASE("ndjson: events written with timeUnixNano read back with their exact time") {
  EventView e;
  e.time_ns = 1760000000000123456ULL;
  e.trace_id = "t";
  e.actor = "a";
  e.type = "success";
  e.key = "k";
  std::string line;
  append_event_line(line, e);
  CHECK_THAT(line,
             Catch::Contains(
                 R"("timestamp":"2025-10-09T08:53:20.000Z","timeUnixNano":"1760000000000123456")"));
  const Loaded l = load(line);
  REQUIRE(l.store.size() == 1);
  CHECK(l.store[0].time_ns == 1760000000000123456ULL);
  CHECK(l.stats.warning_count == 0);
}

TEST_CASE("ndjson: a time no timeUnixNano can hold is its millisecond, so it reads back the same") {
  const Loaded l =
      load(R"({"timestamp":"1012-10-04T06:00:00.123456789+02:00","type":"success","key":"a"})"
           "\n"
           R"({"timestamp":"1969-12-31T23:59:59.999999Z","type":"success","key":"b"})"
           "\n"
           R"({"timestamp":"9999-12-31T23:59:59.000500Z","type":"success","key":"c"})"
           "\n"
           R"({"timestamp":"2025-10-09T08:53:20.000123456Z","type":"success","key":"d"})");
  REQUIRE(l.store.size() == 4);
  constexpr Nanos kMs = 1'000'000;
  for (std::size_t i = 0; i < 3; ++i) CHECK(l.store[i].time_ns % kMs == 0);
  CHECK(l.store[1].time_ns == -kMs);                           // floored, as it is written
  CHECK(l.store[3].time_ns == Nanos{1760000000000123456ULL});  // in range: exact
  std::string written;
  for (std::size_t i = 0; i < l.store.size(); ++i) append_event_line(written, l.store[i]);
  const Loaded again = load(written);
  REQUIRE(again.store.size() == 4);
  for (std::size_t i = 0; i < 4; ++i) CHECK(again.store[i].time_ns == l.store[i].time_ns);
  CHECK(l.stats.warning_count == 0);
}

TEST_CASE("ndjson: endTimeUnixNano makes an interval, a bad one, or none, leaves a point") {
  const std::string start =
      R"({"timestamp":"2025-10-09T08:53:20.000Z","timeUnixNano":"1760000000000000005",)";
  const Loaded l = load(start +
                        R"("endTimeUnixNano":"1760000000030000000","type":"retry","key":"k"})"
                        "\n" +
                        start +
                        R"("endTimeUnixNano":"1760000000000000004","type":"retry","key":"k"})"
                        "\n" +
                        start +
                        R"("endTimeUnixNano":"x","type":"retry","key":"k"})"
                        "\n" +
                        start +
                        R"("type":"retry","key":"k"})"
                        "\n" +
                        R"({"endTimeUnixNano":"1760000000030000000","type":"retry","key":"k"})"
                        "\n");
  REQUIRE(l.store.size() == 5);
  CHECK(l.store[0].ended);
  CHECK(l.store[0].time_ns == 1760000000000000005ULL);
  CHECK(l.store[0].end() == 1760000000030000000ULL);
  CHECK_FALSE(l.store[1].ended);  // before the start
  CHECK_FALSE(l.store[2].ended);  // not a count
  CHECK_FALSE(l.store[3].ended);
  CHECK(l.store[3].end() == l.store[3].time_ns);
  CHECK_FALSE(l.store[4].ended);  // no time at all
}

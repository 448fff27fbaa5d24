// The span -> event mapping rules of `prepare`, one TEST_CASE per rule.
#include <catch2/catch.hpp>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/otlp/reader.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

struct Loaded {
  EventStore store;
  ReadStats stats;
};

Loaded load(const std::string& json) {
  Loaded l;
  std::vector<std::unique_ptr<io::ByteSource>> in;
  in.push_back(io::from_memory(json, "t.json"));
  l.stats = payload::load_events(std::move(in), payload::Format::otlp, {}, l.store).stats;
  return l;
}

std::string line_of(const EventView& e) {
  std::string s;
  append_event_line(s, e);
  s.pop_back();
  return s;
}

}  // namespace

TEST_CASE("otlp: the reference sample converts to four events") {
  const Loaded l = load(read_file(test_data("kvonce-otlp.json")));
  REQUIRE(l.store.size() == 4);
  CHECK(
      line_of(l.store[0]) ==
      R"({"traceId":"otlp-missing-traceid-r0-s0-p0","timestamp":"2025-10-09T08:53:20.000Z","timeUnixNano":"1760000000000000000","actor":"kvonce-service","event":"success","type":"success","key":"alpha","value":"v1"})");
  CHECK(
      line_of(l.store[2]) ==
      R"({"traceId":"otlp-missing-traceid-r0-s0-p2","timestamp":"2025-10-09T08:53:21.500Z","timeUnixNano":"1760000001500000000","actor":"kvonce-service","event":"failure","type":"failure","key":"beta","reason":"duplicate"})");
  CHECK(l.stats.records == 4);
  CHECK(l.stats.events == 4);
}

TEST_CASE("otlp: spans without type or key are skipped and counted") {
  const Loaded l = load(otlp_doc({
      span_json(T0, {str_attr("http.method", "GET")}),
      span_json(T0, {str_attr("kvonce.event.key", "k")}),
      span_json(T0, {str_attr("kvonce.event.type", "success")}),
      span_json(T0, {str_attr("kvonce.event.type", "  "), str_attr("kvonce.event.key", "k")}),
      kv_span(T0, "success", "k"),
  }));
  CHECK(l.store.size() == 1);
  CHECK(l.stats.not_kvonce == 1);
  CHECK(l.stats.missing_type == 2);  // absent, and whitespace-only
  CHECK(l.stats.missing_key == 1);
}

TEST_CASE("otlp: type, key, traceId and actor are trimmed, numbers and booleans become text") {
  const Loaded l = load(otlp_doc(
      {span_json(T0, {str_attr("kvonce.event.type", " retry\\t"), int_attr("kvonce.event.key", 42),
                      raw_attr("kvonce.event.actor", R"({"boolValue":true})"),
                      str_attr("traceId", "  AbCdEf0123456789abcdef0123456789 ")})}));
  REQUIRE(l.store.size() == 1);
  CHECK(l.store[0].type == "retry");
  CHECK(l.store[0].key == "42");
  CHECK(l.store[0].actor == "true");
  CHECK(l.store[0].trace_id == "abcdef0123456789abcdef0123456789");
  SECTION("an intValue key is String(Number(intValue))") {
    const auto key_of = [](const std::string& int_value) {
      const Loaded k = load(otlp_doc(
          {span_json(T0, {str_attr("kvonce.event.type", "retry"),
                          raw_attr("kvonce.event.key", R"({"intValue":)" + int_value + "}")})}));
      REQUIRE(k.store.size() == 1);
      return std::string(k.store[0].key);
    };
    CHECK(key_of(R"("-0012")") == "-12");
    CHECK(key_of(R"("-0")") == "0");
    CHECK(key_of(R"("000")") == "0");
    CHECK(key_of(R"("999999999999999")") == "999999999999999");    // 15 digits
    CHECK(key_of(R"("9007199254740993")") == "9007199254740992");  // past 2^53: a double
    CHECK(key_of(R"("12345678901234567890")") == "12345678901234567000");
    CHECK(key_of(R"("0x1F")") == "31");
    CHECK(key_of("7") == "7");
  }
}

TEST_CASE("otlp: traceId precedence") {
  const std::string id_attr = str_attr("trace_id", "11111111111111111111111111111111");
  const std::string res_attr = str_attr("kvonce.traceId", "22222222222222222222222222222222");
  SECTION("span field first, hex in any case") {
    const Loaded l = load(otlp_doc({span_json(T0,
                                              {str_attr("kvonce.event.type", "success"),
                                               str_attr("kvonce.event.key", "k"), id_attr},
                                              "ABCDEF0123456789ABCDEF0123456789")},
                                   {res_attr}));
    CHECK(l.store[0].trace_id == "abcdef0123456789abcdef0123456789");
  }
  SECTION("base64 ids are converted to hex") {
    const Loaded l = load(otlp_doc({span_json(
        T0, {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", "k")},
        "W47/95gDgQPSabYzgT/GDA==")}));
    CHECK(l.store[0].trace_id == "5b8efff798038103d269b633813fc60c");
  }
  SECTION("then span attributes, then resource attributes") {
    const Loaded span_attr =
        load(otlp_doc({span_json(T0, {str_attr("kvonce.event.type", "success"),
                                      str_attr("kvonce.event.key", "k"), id_attr})},
                      {res_attr}));
    CHECK(span_attr.store[0].trace_id == "11111111111111111111111111111111");
    const Loaded res = load(otlp_doc({kv_span(T0, "success", "k")}, {res_attr}));
    CHECK(res.store[0].trace_id == "22222222222222222222222222222222");
  }
  SECTION("an all-zero id counts as absent") {
    const Loaded l = load(otlp_doc({span_json(
        T0, {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", "k")},
        std::string(32, '0'))}));
    CHECK(l.store[0].trace_id == "otlp-missing-traceid-r0-s0-p0");
  }
  SECTION("the fallback names resource, scope and span index") {
    const std::string doc =
        R"({"resourceSpans":[{"scopeSpans":[]},{"scopeSpans":[{"spans":[]},{"spans":[)" +
        kv_span(T0, "x", "a") + "," + kv_span(T0, "x", "b") + "]}]}]}";
    const Loaded l = load(doc);
    CHECK(l.store[1].trace_id == "otlp-missing-traceid-r1-s1-p1");
  }
}

TEST_CASE("otlp: actor precedence and default") {
  const auto span = [](std::vector<std::string> extra) {
    extra.push_back(str_attr("kvonce.event.type", "success"));
    extra.push_back(str_attr("kvonce.event.key", "k"));
    return span_json(T0, extra);
  };
  CHECK(load(otlp_doc({span({str_attr("service.name", "svc"), str_attr("enduser.id", "u1")})}))
            .store[0]
            .actor == "u1");
  CHECK(load(otlp_doc({span({str_attr("service.instance.id", "i1")})},
                      {str_attr("kvonce.actor", "res-actor")}))
            .store[0]
            .actor == "i1");
  CHECK(load(otlp_doc({span({})}, {str_attr("service.name", "svc"), str_attr("actor", "a")}))
            .store[0]
            .actor == "a");
  CHECK(load(otlp_doc({span({})})).store[0].actor == "unknown");
}

TEST_CASE("otlp: resource attributes that come after the spans still apply") {
  const std::string doc = R"({"resourceSpans":[{"scopeSpans":[{"spans":[)" +
                          kv_span(T0, "success", "k") + "]}]," + R"("resource":{"attributes":[)" +
                          str_attr("service.name", "late") + "," +
                          str_attr("trace_id", "33333333333333333333333333333333") + "]}}]}";
  const Loaded l = load(doc);
  REQUIRE(l.store.size() == 1);
  CHECK(l.store[0].actor == "late");
  CHECK(l.store[0].trace_id == "33333333333333333333333333333333");
}

TEST_CASE("otlp: startTimeUnixNano is fixed64, exact, as string or number") {
  SECTION("string and number forms, full range") {
    const Loaded l = load(otlp_doc({
        R"({"startTimeUnixNano":18446744073709551615,"attributes":[)" +
            str_attr("kvonce.event.type", "success") + "," + str_attr("kvonce.event.key", "a") +
            "]}",
        R"({"startTimeUnixNano":"0","attributes":[)" + str_attr("kvonce.event.type", "success") +
            "," + str_attr("kvonce.event.key", "b") + "]}",
    }));
    REQUIRE(l.store.size() == 2);
    CHECK(l.store[0].time_ns == UINT64_MAX);
    CHECK(l.store[1].time_ns == 0);
  }
  SECTION("no detour through double: nanoseconds are kept") {
    const Loaded l = load(otlp_doc({kv_span(1760000000123456789ULL, "success", "k")}));
    CHECK(l.store[0].time_ns == 1760000000123456789ULL);
  }
  SECTION("missing, negative, fractional or too large: skipped with a located warning") {
    const std::string attrs = "[" + str_attr("kvonce.event.type", "success") + "," +
                              str_attr("kvonce.event.key", "k") + "]";
    const Loaded l = load(otlp_doc({
        R"({"attributes":)" + attrs + "}",
        R"({"startTimeUnixNano":"-1","attributes":)" + attrs + "}",
        R"({"startTimeUnixNano":1.5e0,"attributes":)" + attrs + "}",
        R"({"startTimeUnixNano":"18446744073709551616","attributes":)" + attrs + "}",
        R"({"startTimeUnixNano":true,"attributes":)" + attrs + "}",
    }));
    CHECK(l.store.empty());
    CHECK(l.stats.bad_timestamp == 5);
    REQUIRE(l.stats.warnings.size() == 5);
    CHECK_THAT(l.stats.warnings[0], Catch::Contains("t.json: span r0-s0-p0 at byte") &&
                                        Catch::Contains("startTimeUnixNano is missing"));
    CHECK_THAT(l.stats.warnings[1], Catch::Contains("\"-1\" is not an unsigned 64-bit integer"));
  }
}

TEST_CASE("otlp: attribute values follow the OTLP/JSON encoding") {
  const auto value_of = [](const std::string& any_value) {
    const Loaded l =
        load(otlp_doc({kv_span(T0, "success", "k", raw_attr("kvonce.event.value", any_value))}));
    REQUIRE(l.store.size() == 1);
    return std::string(l.store[0].value.value_or("<absent>"));
  };
  CHECK(value_of(R"({"stringValue":"a\"b"})") == R"("a\"b")");
  CHECK(value_of(R"({"boolValue":false})") == "false");
  CHECK(value_of(R"({"intValue":"9223372036854775807"})") == "9223372036854775807");
  CHECK(value_of(R"({"intValue":-42})") == "-42");
  CHECK(value_of(R"({"doubleValue":1.25})") == "1.25");
  CHECK(value_of(R"({"doubleValue":"NaN"})") == R"("NaN")");
  CHECK(value_of(R"({"bytesValue":"aGVsbG8="})") == R"("aGVsbG8=")");
  // An element with nothing to read is null, as the converter's JSON.stringify wrote it.
  CHECK(value_of(R"({"arrayValue":{"values":[{"intValue":"1"},{"stringValue":"x"},{}]}})") ==
        R"([1,"x",null])");
  CHECK(
      value_of(
          R"({"kvlistValue":{"values":[{"key":"a","value":{"intValue":"1"}},{"key":"b","value":{"kvlistValue":{"values":[]}}}]}})") ==
      R"({"a":1,"b":{}})");
  CHECK(value_of(R"({"mapValue":{"fields":[{"key":"m","value":{"stringValue":"v"}}]}})") ==
        R"({"m":"v"})");
  CHECK(value_of(R"({"string_value":"snake"})") == R"("snake")");
  CHECK(value_of(R"({"unknownValue":1,"stringValue":"x"})") == R"("x")");
  SECTION("the exporters' form and every departure from it decode alike") {
    CHECK(value_of(R"({"stringValue":"a","intValue":"5"})") == R"("a")");
    CHECK(value_of(R"({"intValue":"5","stringValue":"a"})") == R"("a")");
    CHECK(value_of(R"({"stringValue":"a","stringValue":"b"})") == R"("b")");
    CHECK(value_of(R"({"stringValue":"a","stringValue":{"x":1}})") == R"({"x":1})");
    CHECK(value_of(R"({"stringValue":5})") == "5");
    CHECK(value_of(R"({"stringValue":"a","junk":[1]})") == R"("a")");
    CHECK(value_of(R"({ "stringValue" : "a" })") == R"("a")");
    CHECK(value_of(R"({"string\u0056alue":"esc"})") == R"("esc")");
    CHECK(value_of(R"({"stringValue":"a","doubleValue":"NaN","stringValue":null})") == "null");
  }
  SECTION("an empty AnyValue is absent") {
    CHECK(value_of("{}") == "<absent>");
  }
  SECTION("an intValue is read as Number(intValue): integers exactly, anything else as a number") {
    CHECK(value_of(R"({"intValue":"9223372036854775808"})") == "9223372036854775808");
    CHECK(value_of(R"({"intValue":"-0012"})") == "-12");
    CHECK(value_of(R"({"intValue":"-0"})") == "0");
    CHECK(value_of(R"({"intValue":" 7\u00a0"})") == "7");
    CHECK(value_of(R"({"intValue":"0x1F"})") == "31");
    CHECK(value_of(R"({"intValue":"1.5"})") == "1.5");
    CHECK(value_of(R"({"intValue":"1e3"})") == "1000");
    CHECK(value_of(R"({"intValue":""})") == "0");
    CHECK(value_of(R"({"intValue":true})") == "1");
    CHECK(value_of(R"({"intValue":"abc"})") == "null");
    CHECK(value_of(R"({"intValue":"1e400"})") == "null");
    CHECK(value_of(R"({"intValue":{}})") == "null");
    CHECK(value_of(R"({"intValue":1e19})") == "10000000000000000000");
  }
  SECTION("a value given before its key") {
    const Loaded l = load(
        otlp_doc({span_json(T0, {R"({"value":{"stringValue":"success"},"key":"kvonce.event.type"})",
                                 str_attr("kvonce.event.key", "k")})}));
    REQUIRE(l.store.size() == 1);
    CHECK(l.store[0].type == "success");
  }
  SECTION("an attribute spaced, escaped or with its key twice") {
    const Loaded l = load(otlp_doc({span_json(
        T0, {R"({ "key" : "kvonce.event.type" , "value" : {"stringValue":"success"} })",
             R"({"k\u0065y":"kvonce.event.key","valu\u0065":{"stringValue":"k"}})",
             R"({"key":"kvonce.event.value","value":{"stringValue":"v"},"key":"other"})"})}));
    REQUIRE(l.store.size() == 1);
    CHECK(l.store[0].type == "success");
    CHECK(l.store[0].key == "k");
    CHECK_FALSE(l.store[0].value);  // the last key names the attribute: not the value
  }
  SECTION("a string read as text for the key first named keeps its JSON for the one that wins") {
    // A type or key is read as text alone; should a later key name the value, its JSON is made.
    for (const char* first : {"kvonce.event.type", "kvonce.event.actor", "service.name"}) {
      INFO(first);
      const Loaded l = load(otlp_doc({span_json(
          T0,
          {std::string(R"({"key":")") + first +
               R"(","value":{"stringValue":"a\"b"},"key":"kvonce.event.value"})",
           R"({"key":"kvonce.event.type","value":{"stringValue":" c\u00a0"},"key":"kvonce.event.reason"})",
           str_attr("kvonce.event.type", "failure"), str_attr("kvonce.event.key", "k")})}));
      REQUIRE(l.store.size() == 1);
      CHECK(l.store[0].value == R"("a\"b")");
      CHECK(l.store[0].reason == "\" c\u00a0\"");
      CHECK(l.store[0].type == "failure");
    }
  }
}

TEST_CASE("otlp: context as kvlist, as a JSON string, or flattened gives the same object") {
  const auto context_of = [](const std::string& attrs_json) {
    const Loaded l = load(otlp_doc({kv_span(T0, "retry", "k", attrs_json)}));
    REQUIRE(l.store.size() == 1);
    return std::string(l.store[0].context.value_or("<absent>"));
  };
  const std::string expected = R"({"attempts":2,"reason":"x"})";
  CHECK(
      context_of(raw_attr(
          "kvonce.event.context",
          R"({"kvlistValue":{"values":[{"key":"attempts","value":{"intValue":"2"}},{"key":"reason","value":{"stringValue":"x"}}]}})")) ==
      expected);
  CHECK(context_of(str_attr("kvonce.event.context", R"({ \"attempts\": 2, \"reason\": \"x\" })")) ==
        expected);
  CHECK(context_of(int_attr("kvonce.event.context.attempts", 2) + "," +
                   str_attr("kvonce.event.context.reason", "x")) == expected);
  SECTION("flattened members add to an object but do not override it") {
    CHECK(context_of(str_attr("kvonce.event.context", R"({\"attempts\":2})") + "," +
                     int_attr("kvonce.event.context.attempts", 9) + "," +
                     str_attr("kvonce.event.context.reason", "x")) == expected);
  }
  SECTION("a string that is not a JSON object stays a string") {
    CHECK(context_of(str_attr("kvonce.event.context", "attempt 2")) == R"("attempt 2")");
    CHECK(context_of(str_attr("kvonce.event.context", "{broken")) == R"("{broken")");
  }
  SECTION("an integer context stays an integer") {
    CHECK(context_of(int_attr("kvonce.event.context", 3)) == "3");
  }
}

TEST_CASE("otlp: liberal spellings") {
  const std::string doc =
      R"({"resource_spans":[{"resource":{"attributes":[)" + str_attr("service.name", "s") +
      R"(]},"instrumentation_library_spans":[{"instrumentation_library":{"name":"x"},"spans":[{"trace_id":"0102030405060708090a0b0c0d0e0f10","span_id":"0102030405060708","start_time_unix_nano":"5","kind":"SPAN_KIND_SERVER","status":{"code":2},"attributes":[)" +
      str_attr("kvonce.event.type", "success") + "," + str_attr("kvonce.event.key", "k") +
      R"(]}]}],"schema_url":"x"},{"instrumentationLibrarySpans":[{"spans":[)" +
      kv_span(T0, "retry", "k") + "]}]}]}";
  const Loaded l = load(doc);
  REQUIRE(l.store.size() == 2);
  CHECK(l.store[0].trace_id == "0102030405060708090a0b0c0d0e0f10");
  CHECK(l.store[0].actor == "s");
  CHECK(l.store[1].type == "retry");
}

TEST_CASE("otlp: a span exported twice becomes one event") {
  const std::string span =
      span_json(T0, {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", "k")},
                "0102030405060708090a0b0c0d0e0f10", "0102030405060708");
  const std::string other =
      span_json(T0, {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", "k")},
                "0102030405060708090a0b0c0d0e0f10", "0102030405060709");
  // Once as hex, once as base64, through a Collector that adds resource attributes: the same
  // span.
  const std::string again =
      span_json(T0, {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", "k")},
                "AQIDBAUGBwgJCgsMDQ4PEA==", "AQIDBAUGBwg=");
  const Loaded l = load(otlp_doc({span, other}) + "\n" +
                        otlp_doc({again}, {str_attr("service.name", "collector-2")}));
  CHECK(l.store.size() == 2);
  CHECK(l.stats.duplicates == 1);
  CHECK(l.stats.warnings.empty());
  SECTION("spans without ids are never merged") {
    const Loaded m = load(otlp_doc({kv_span(T0, "success", "k"), kv_span(T0, "success", "k")}));
    CHECK(m.store.size() == 2);
    CHECK(m.stats.duplicates == 0);
  }
}

TEST_CASE("otlp: a re-exported span is the same event whatever span came before it") {
  // A span without a reason after one with a reason, each exported twice: what the earlier span
  // carried is no part of the later one's event.
  const std::string with_reason =
      span_json(T0,
                {str_attr("kvonce.event.type", "retry"), str_attr("kvonce.event.key", "k"),
                 str_attr("kvonce.event.reason", "timeout")},
                "0102030405060708090a0b0c0d0e0f10", "0102030405060701");
  const std::string with_value =
      span_json(T0 + 1,
                {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", "k"),
                 str_attr("kvonce.event.value", "v")},
                "0102030405060708090a0b0c0d0e0f10", "0102030405060702");
  const std::string doc = otlp_doc({with_value, with_reason});
  const Loaded l = load(doc + "\n" + doc);
  CHECK(l.store.size() == 2);
  CHECK(l.stats.duplicates == 2);
  CHECK(l.stats.warnings.empty());
}

TEST_CASE("otlp: one pair of ids with different events gives every event and a warning") {
  auto span = [](unsigned long long start, const std::string& key, const std::string& end = "") {
    std::string s = span_json(
        start, {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", key)},
        "0102030405060708090a0b0c0d0e0f10", "0102030405060708");
    if (!end.empty()) s.insert(1, "\"endTimeUnixNano\":\"" + end + "\",");
    return s;
  };
  // Differing in start, key or end: three more events; each repeat of one of them is dropped.
  const Loaded l =
      load(otlp_doc({span(T0, "k"), span(T0 + 5, "k"), span(T0, "k2"),
                     span(T0, "k", std::to_string(T0 + 9)), span(T0 + 5, "k"), span(T0, "k")}));
  CHECK(l.store.size() == 4);
  CHECK(l.stats.duplicates == 2);
  REQUIRE(l.stats.warnings.size() == 3);
  CHECK_THAT(l.stats.warnings[0],
             Catch::Contains("span r0-s0-p1") &&
                 Catch::Contains("shares traceId 0102030405060708090a0b0c0d0e0f10 and spanId "
                                 "0102030405060708 with the span at byte ") &&
                 Catch::Contains("but maps to a different event; both are kept as events"));
  CHECK(l.store[3].ended);
  CHECK(l.store[3].end_ns == T0 + 9);
}

TEST_CASE("otlp: a span's end makes its event an interval, a bad end leaves a point") {
  auto span = [](const std::string& end_member) {
    std::string s = kv_span(T0, "success", "k");
    if (!end_member.empty()) s.insert(1, end_member + ",");
    return s;
  };
  const Loaded l = load(otlp_doc({span("\"endTimeUnixNano\":\"" + std::to_string(T0 + 7) + "\""),
                                  span("\"endTimeUnixNano\":\"0\""),
                                  span("\"endTimeUnixNano\":\"" + std::to_string(T0 - 1) + "\""),
                                  span("\"end_time_unix_nano\":" + std::to_string(T0)), span("")}));
  REQUIRE(l.store.size() == 5);
  CHECK(l.store[0].ended);
  CHECK(l.store[0].end() == T0 + 7);
  CHECK_FALSE(l.store[1].ended);  // zero
  CHECK_FALSE(l.store[2].ended);  // before the start
  CHECK(l.store[3].ended);        // equal to the start: a valid end
  CHECK(l.store[3].end() == T0);
  CHECK_FALSE(l.store[4].ended);
  CHECK(l.store[4].end() == T0);
  std::string line;
  append_event_line(line, l.store[0]);
  CHECK_THAT(line, Catch::Contains("\"endTimeUnixNano\":\"" + std::to_string(T0 + 7) + "\""));
  line.clear();
  append_event_line(line, l.store[4]);
  CHECK_THAT(line, !Catch::Contains("endTimeUnixNano"));
}

TEST_CASE("otlp: a time given twice is the last one, in whichever form it comes") {
  const std::string attrs = "[" + str_attr("kvonce.event.type", "success") + "," +
                            str_attr("kvonce.event.key", "k") + "]";
  const std::string t0 = std::to_string(T0);
  const Loaded l = load(otlp_doc({
      // A valid start, then an invalid one: the span has no valid start.
      R"({"startTimeUnixNano":")" + t0 + R"(","startTimeUnixNano":1.5,"attributes":)" + attrs + "}",
      // An invalid start, then a valid one; an end as text, then as a number.
      R"({"startTimeUnixNano":"x","startTimeUnixNano":)" + t0 + R"(,"endTimeUnixNano":")" +
          std::to_string(T0 + 5) + R"(","endTimeUnixNano":)" + std::to_string(T0 + 9) +
          R"(,"attributes":)" + attrs + "}",
      // A valid end, then one that is no integer: a point.
      R"({"startTimeUnixNano":")" + t0 + R"(","endTimeUnixNano":")" + std::to_string(T0 + 5) +
          R"(","endTimeUnixNano":1.5,"attributes":)" + attrs + "}",
  }));
  CHECK(l.stats.bad_timestamp == 1);
  REQUIRE(l.store.size() == 2);
  CHECK(l.store[0].time_ns == T0);
  CHECK(l.store[0].ended);
  CHECK(l.store[0].end() == T0 + 9);
  CHECK(l.store[1].time_ns == T0);
  CHECK_FALSE(l.store[1].ended);
}

TEST_CASE("otlp: JSON Lines, concatenated documents and gzip members") {
  const std::string a = otlp_doc({kv_span(T0, "success", "a")});
  const std::string b = otlp_doc({kv_span(T0 + 1, "success", "b")});
  for (const std::string& payload : {a + "\n" + b + "\n", a + b, a + "  \r\n\n" + b,
                                     io::gzip_compress(a) + io::gzip_compress(b)}) {
    const Loaded l = load(payload);
    REQUIRE(l.store.size() == 2);
    CHECK(l.store[1].key == "b");
    CHECK(l.stats.documents == 2);
  }
}

TEST_CASE("otlp: malformed JSON is an input error with offset and line") {
  const std::string a = otlp_doc({kv_span(T0, "success", "a")});
  try {
    load(a + "\n" + R"({"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":[}]}]}]})");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::input);
    CHECK_THAT(e.what(),
               Catch::StartsWith("t.json: invalid JSON at byte ") && Catch::Contains("(line 2)"));
  }
  SECTION("a document that is not an object") {
    // A first value that is an array is refused by name when the form is detected.
    CHECK_THROWS_WITH(load("[1,2]"), Catch::Contains("a top-level JSON array"));
    CHECK_THROWS_WITH(load(a + "\n[1,2]"), Catch::Contains("expected an OTLP JSON object"));
  }
}

TEST_CASE("otlp: unknown members and non-KvOnce attributes are ignored") {
  const std::string doc =
      R"({"extra":{"deep":[[[{"x":1}]]]},"resourceSpans":[{"resource":{"attributes":[],"droppedAttributesCount":0},"scopeSpans":[{"spans":[{"startTimeUnixNano":"7","events":[{"name":"e","attributes":[)" +
      str_attr("kvonce.event.type", "failure") + R"(]}],"links":[],"attributes":[)" +
      str_attr("kvonce.event.type", "success") + "," + str_attr("kvonce.event.key", "k") + "," +
      raw_attr("http.body", R"({"arrayValue":{"values":[{"stringValue":"big"}]}})") + "]}]}]}]}";
  const Loaded l = load(doc);
  REQUIRE(l.store.size() == 1);
  CHECK(l.store[0].type == "success");  // span events' attributes are not the span's
}

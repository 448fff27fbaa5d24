// The span id of an event: read from OTLP (JSON, any hex case or base64), kept by the EventStore
// beside the other fields, written as "spanId" and read back from NDJSON, so `prepare` keeps it
// for trace links. Absent ids stay absent.
#include <catch2/catch.hpp>

#include "kvonce/event/event_store.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

std::string line_of(const EventView& e) {
  std::string out;
  append_event_line(out, e);
  return out;
}

std::vector<std::string> success(const std::string& key) {
  return {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", key),
          str_attr("kvonce.event.value", "v")};
}

}  // namespace

TEST_CASE("span ids: OTLP JSON -> NDJSON -> NDJSON reader") {
  const EventStore otlp = load_otlp(otlp_doc({
      span_json(T0, success("a"), "4BF92F3577B34DA6A3CE929D0E0E4736", "00F067AA0BA902B7"),
      span_json(T0 + 1, success("b"), "0af7651916cd43dd8448eb211c80319c", "APBnqgupArc="),
      span_json(T0 + 2, success("c"), "4bf92f3577b34da6a3ce929d0e0e4736", ""),
  }));
  REQUIRE(otlp.size() == 3);
  CHECK(otlp[0].span_id == "00f067aa0ba902b7");
  CHECK(otlp[1].span_id == "00f067aa0ba902b7");  // base64 of the same 8 bytes
  CHECK(otlp[2].span_id.empty());
  const std::string first = line_of(otlp[0]);
  CHECK(
      first.rfind(
          R"({"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7","timestamp":)",
          0) == 0);
  CHECK(line_of(otlp[2]).find("spanId") == std::string::npos);

  std::string ndjson;
  for (std::size_t i = 0; i < otlp.size(); ++i) ndjson += line_of(otlp[i]);
  const EventStore back = load_ndjson(ndjson);
  REQUIRE(back.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(back[i].span_id == otlp[i].span_id);
    CHECK(line_of(back[i]) == line_of(otlp[i]));
  }
}

TEST_CASE("span ids: the store keeps them beside every other field, sorted or not") {
  EventStore store;
  EventView e;
  e.time_ns = 2;
  e.trace_id = "t";
  e.span_id = "s2";
  e.actor = "a";
  e.type = "success";
  e.key = "k";
  e.context = std::string_view("{}");
  store.add(e);
  e.time_ns = 1;
  e.span_id = "";
  store.add(e);
  store.sort_by_time();
  CHECK(store[0].span_id.empty());
  CHECK(store[1].span_id == "s2");
  CHECK(store[1].context == std::optional<std::string_view>("{}"));
  CHECK(store[1].key == "k");
}

TEST_CASE("span ids: an id too long to be one is not kept") {
  EventStore store;
  EventView e;
  e.trace_id = "t";
  e.type = "success";
  e.key = "k";
  const std::string huge(70'000, 'f');
  e.span_id = huge;
  store.add(e);
  CHECK(store[0].span_id.empty());
  CHECK(store[0].key == "k");
}

TEST_CASE("span ids: an NDJSON spanId that is not a string is a scalar's text or absent") {
  const EventStore s = load_ndjson(
      R"({"traceId":"t","spanId":7,"timestamp":"2025-10-09T08:53:20.000Z","type":"success","key":"k"})"
      "\n"
      R"({"traceId":"t","spanId":{"x":1},"timestamp":"2025-10-09T08:53:20.000Z","type":"success","key":"k"})"
      "\n");
  REQUIRE(s.size() == 2);
  CHECK(s[0].span_id == "7");
  CHECK(s[1].span_id.empty());
}

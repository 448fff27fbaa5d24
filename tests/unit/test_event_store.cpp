// EventStore::same_events: the test run's ndjson mode relies on to copy the otlp mode's files.
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/event/event_store.hpp"

using namespace kvonce;

namespace {

EventView event(Nanos time, const char* key) {
  EventView e;
  e.time_ns = time;
  e.trace_id = "0af7651916cd43dd8448eb211c80319c";
  e.span_id = "b7ad6b7169203331";
  e.actor = "client-1";
  e.type = "success";
  e.key = key;
  e.value = "\"v\"";
  e.context = "{\"attempts\":1}";
  return e;
}

EventStore store_of(const std::vector<EventView>& events) {
  EventStore s;
  for (const EventView& e : events) s.add(e);
  return s;
}

}  // namespace

TEST_CASE("same_events: every field of every event, in order") {
  const EventView a = event(1'000, "k1"), b = event(2'000, "k2");
  const EventStore base = store_of({a, b});
  CHECK(base.same_events(store_of({a, b})));
  CHECK(store_of({}).same_events(store_of({})));
  CHECK_FALSE(base.same_events(store_of({b, a})));  // the order
  CHECK_FALSE(base.same_events(store_of({a})));

  // One field changed at a time, each of which some output writes.
  std::vector<EventView> changed(12, b);
  changed[0].time_ns = 2'001;
  changed[1].timed = false;
  changed[2].ended = true, changed[2].end_ns = 3'000;
  changed[3].type_form = FieldForm::json;
  changed[4].key_form = FieldForm::json;
  changed[5].trace_id = "0af7651916cd43dd8448eb211c80319d";
  changed[6].span_id = "";
  changed[7].actor = "client-2";
  changed[8].value.reset();
  changed[9].reason = "\"duplicate\"";
  changed[10].context = "{\"attempts\":2}";
  changed[11].time_ns = b.time_ns + (Nanos{1} << 64);  // the same low 64 bits, another era
  for (std::size_t i = 0; i < changed.size(); ++i) {
    INFO("change " << i);
    CHECK_FALSE(base.same_events(store_of({a, changed[i]})));
  }
  // The same bytes split otherwise between two fields.
  EventView split = b;
  split.actor = "client-1s";
  split.type = "uccess";
  CHECK_FALSE(base.same_events(store_of({a, split})));
  // Ends that differ only where a point event has none.
  EventView end_a = b, end_b = b;
  end_a.ended = end_b.ended = true;
  end_a.end_ns = 5'000;
  end_b.end_ns = 5'001;
  CHECK_FALSE(store_of({end_a}).same_events(store_of({end_b})));
  CHECK(store_of({end_a}).same_events(store_of({end_a})));
}

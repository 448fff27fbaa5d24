#include <string>

#include <catch2/catch.hpp>

#include "kvonce/otlp/span_fields.hpp"

using namespace kvonce::otlp;

TEST_CASE("slot_for: each attribute name the mapping reads, and nothing else") {
  const std::pair<const char*, Slot> names[] = {
      {"kvonce.event.type", kType},
      {"kvonce.event.key", kKey},
      {"kvonce.event.value", kValue},
      {"kvonce.event.reason", kReason},
      {"kvonce.event.context", kContext},
      {"kvonce.event.actor", kActor0},
      {"kvonce.actor", kActor1},
      {"actor", kActor2},
      {"enduser.id", kActor3},
      {"service.name", kActor4},
      {"service.instance.id", kActor5},
      {"traceId", kTrace0},
      {"trace_id", kTrace1},
      {"kvonce.traceId", kTrace2},
      {"kvonce.trace_id", kTrace3},
      {"otel.trace_id", kTrace4},
  };
  for (const auto& [name, slot] : names) {
    INFO(name);
    CHECK(slot_for(name) == slot);
    std::string near = name;
    near.back() = static_cast<char>(near.back() ^ 1);  // same length, one byte apart
    CHECK(slot_for(near) == kUnused);
    CHECK(slot_for(std::string(name) + "x") == kUnused);
    CHECK(slot_for(std::string(name).substr(1)) == kUnused);
  }
  CHECK(slot_for("") == kUnused);
  CHECK(slot_for("http.method") == kUnused);
  CHECK(slot_for("kvonce.event.context.attempts") == kFlatContext);
  CHECK(slot_for("kvonce.event.context.") == kUnused);
  CHECK(slot_for(std::string(200, 'k')) == kUnused);
}

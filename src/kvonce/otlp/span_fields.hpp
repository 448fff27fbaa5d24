// What the OTLP reader keeps of one span, and the span -> event mapping rules.
//
// Only the attributes the mapping uses are decoded; every other attribute value is skipped
// unread. The resource's attributes may arrive after its spans (JSON members have no order),
// so mapping takes the resource separately.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kvonce/event/event.hpp"
#include "kvonce/otlp/any_value.hpp"

namespace kvonce::otlp {

// Attribute names the mapping reads, in priority order within each group.
enum Slot : std::uint8_t {
  kType,
  kKey,
  kValue,
  kReason,
  kContext,
  kActor0,
  kActor1,
  kActor2,
  kActor3,
  kActor4,
  kActor5,
  kTrace0,
  kTrace1,
  kTrace2,
  kTrace3,
  kTrace4,
  kSlotCount,
  kFlatContext = 100,  // kvonce.event.context.<name>
  kUnused = 255,
};
inline constexpr std::size_t kActorSlots = 6, kTraceSlots = 5;

// Which slot an attribute name fills (kUnused for names the mapping ignores).
Slot slot_for(std::string_view attribute_name);

// Whether the mapping reads a slot's value as text alone (the type, key, actor and trace id
// slots): a string for it need not have its JSON made (set_text).
constexpr bool text_only(Slot s) {
  return s < kValue || (s >= kActor0 && s < kSlotCount);
}

// Decoded attributes of one span or one resource. A value is decoded into scratch() and then
// becomes its slot's by exchanging two indices: the buffers of every value change hands, keeping
// their capacity, and no string is moved.
struct AttributeSet {
  std::uint32_t present = 0;                                      // bit per slot
  std::vector<std::pair<std::string, std::string>> flat_context;  // name, JSON

  void clear() {
    present = 0;
    flat_context.clear();
  }
  const AnyValue* get(Slot s) const { return present >> s & 1 ? &values_[at_[s]] : nullptr; }
  AnyValue& scratch() { return values_[spare_]; }
  void take_scratch(Slot s) {  // the scratch value becomes slot s's
    std::swap(at_[s], spare_);
    present |= 1u << s;
  }

 private:
  std::array<AnyValue, kSlotCount + 1> values_;
  std::array<std::uint8_t, kSlotCount> at_ = [] {  // each slot's place in values_
    std::array<std::uint8_t, kSlotCount> at{};
    for (std::uint8_t i = 0; i < kSlotCount; ++i) at[i] = i;
    return at;
  }();
  std::uint8_t spare_ = kSlotCount;
};

// Reads an OTLP attributes array ([{key, value}...]) into `out`; returns warnings' texts for
// values that had to be dropped.
void read_attributes(json::Reader& reader, AttributeSet& out, std::vector<std::string>& problems);

// Stores one attribute decoded into out.scratch() (both encodings end here): an absent value
// clears its slot and leaves its problem, if any, as a warning text; the scratch value is left
// with other contents.
void store_attribute(AttributeSet& out, const std::string& name, Slot slot,
                     std::vector<std::string>& problems);

// One span as read, reused from span to span: clear() keeps every buffer's capacity, so reading
// a span allocates nothing once the first spans have sized them.
struct SpanFields {
  std::string trace_id;    // normalised span.traceId
  std::string span_id;     // normalised span.spanId
  std::string start_time;  // raw startTimeUnixNano text, when has_start_time
  std::string end_time;    // raw endTimeUnixNano text, when has_end_time
  // The times' values, when the reader had them as numbers already (protobuf's fixed64, JSON
  // text that parses): then the text above stays empty, and nothing is formatted or parsed again.
  std::optional<std::uint64_t> start_ns, end_ns;
  bool has_start_time = false;      // startTimeUnixNano was a string or a number
  bool start_time_invalid = false;  // present but neither string nor number
  bool has_end_time = false;
  AttributeSet attributes;
  std::uint64_t resource_index = 0, scope_index = 0, span_index = 0;
  std::uint64_t offset = 0;  // byte offset of the span object, for messages

  void clear();
};

enum class SkipReason { none, not_kvonce, missing_type, missing_key, bad_timestamp };

// The event mapped from one span; it owns its text, so it can wait for a late resource.
struct MappedEvent {
  std::uint64_t time_ns = 0;
  std::uint64_t end_ns = 0;
  bool ended = false;  // a valid end: not zero, not before the start
  std::string trace_id, span_id, actor, type, key, value, reason, context;
  bool has_value = false, has_reason = false, has_context = false;
  bool trace_id_generated = false;  // no id on the span: a resource attribute may supply one
  bool actor_defaulted = false;     // no actor on the span: a resource attribute may supply one

  EventView view() const;
};

// Maps a span to an event, or says why it is skipped; `warning` explains bad timestamps.
SkipReason map_span(const SpanFields& span, const AttributeSet& resource, MappedEvent& event,
                    std::string& warning);

// Fills a generated trace id or defaulted actor from resource attributes that arrived late.
void apply_late_resource(MappedEvent& event, const AttributeSet& resource);

}  // namespace kvonce::otlp

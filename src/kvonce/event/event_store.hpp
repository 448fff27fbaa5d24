// EventStore keeps every event of a run compactly, so they can be ordered and replayed.
//
// Memory grows with the events kept, never with payload bytes: each event's text lives in large
// shared blocks (no allocation per event) and the index entry is 48 bytes. Sorting moves only
// index entries.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "kvonce/event/event.hpp"

namespace kvonce {

class EventStore final : public EventSink {
 public:
  void on_event(const EventView& event) override { add(event); }
  void add(const EventView& event);

  std::size_t size() const { return index_.size(); }
  bool empty() const { return index_.empty(); }
  EventView operator[](std::size_t i) const;

  // Stable sort by start time: events with equal times keep their input order; events without a
  // time go last, in input order.
  void sort_by_time();
  // Reorders the events: position i receives the event at order[i] (a permutation).
  void permute(const std::vector<std::uint32_t>& order);
  // Whether events are already in time order (then sorting is skipped).
  bool is_time_ordered() const;

  std::uint64_t text_bytes() const { return text_bytes_; }

  // Whether both stores hold the same events in the same order, every field to the byte: then
  // whatever is written of them (the events file, the state sequence) is the same bytes.
  bool same_events(const EventStore& other) const;

 private:
  enum Field { kTrace, kActor, kType, kKey, kValue, kReason, kContext, kFields };
  struct Entry {
    std::uint64_t time_ns;                    // the start time's low 64 bits
    const char* text;                         // start of this event's text in a block
    std::array<std::uint32_t, kFields> ends;  // end offset of each field within text
    std::uint8_t flags;  // kHas* bits, kUntimed, and the type and key forms (FieldForm)
    // The start time's high bits (time = era * 2^64 + time_ns): 0 for OTLP's 1970..2554; ISO
    // times of the years 0000..9999 need -4..13. It lives in the last padding byte.
    std::int8_t era;
    // The span id follows the context in the text. Its length lives in what was padding, so the
    // entry stays 48 bytes; a span id too long for it is no identifier and is not kept. The top
    // bit (kEnded) says that the span's end follows the span id, as 8 bytes.
    std::uint16_t span_size;
  };
  static constexpr std::uint8_t kHasValue = 1, kHasReason = 2, kHasContext = 4, kUntimed = 8;
  static constexpr int kTypeFormShift = 4, kKeyFormShift = 6;
  static_assert(sizeof(void*) != 8 || sizeof(Entry) == 48, "index entries stay compact");
  static constexpr std::uint16_t kEnded = 0x8000;
  static constexpr std::size_t kMaxSpanId = kEnded - 1;
  static bool before(const Entry& a, const Entry& b);
  static Nanos time_of(const Entry& e) {
    return static_cast<Nanos>(e.era) * (static_cast<Nanos>(1) << 64) + e.time_ns;
  }

  char* allocate(std::size_t bytes);

  std::vector<Entry> index_;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t block_used_ = 0, block_size_ = 0;
  std::uint64_t text_bytes_ = 0;
};

// Inline: each caller decodes only the fields it reads (the writers, the rules, the projection
// call it once or more per event).
inline EventView EventStore::operator[](std::size_t i) const {
  const Entry& e = index_[i];
  auto field = [&](int f) {
    const std::uint32_t begin = f == 0 ? 0 : e.ends[f - 1];
    return std::string_view(e.text + begin, e.ends[f] - begin);
  };
  EventView v;
  v.time_ns = time_of(e);
  v.timed = !(e.flags & kUntimed);
  v.type_form = static_cast<FieldForm>(e.flags >> kTypeFormShift & 3);
  v.key_form = static_cast<FieldForm>(e.flags >> kKeyFormShift & 3);
  v.trace_id = field(kTrace);
  const std::size_t span_size = e.span_size & kMaxSpanId;
  v.span_id = std::string_view(e.text + e.ends[kContext], span_size);
  v.ended = e.span_size & kEnded;
  if (v.ended) {
    std::uint64_t end = 0;
    std::memcpy(&end, e.text + e.ends[kContext] + span_size, sizeof end);
    v.end_ns = end;
  }
  v.actor = field(kActor);
  v.type = field(kType);
  v.key = field(kKey);
  if (e.flags & kHasValue) v.value = field(kValue);
  if (e.flags & kHasReason) v.reason = field(kReason);
  if (e.flags & kHasContext) v.context = field(kContext);
  return v;
}

}  // namespace kvonce

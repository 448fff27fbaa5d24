#include "kvonce/otlp/span_identity.hpp"

#include <cstring>
#include <string>

namespace kvonce::otlp {
namespace {

bool empty(const Hash128& h) {
  return h.lo == 0 && h.hi == 0;
}

}  // namespace

Hash128 span_fingerprint(const HashKey& key, std::string_view trace_id, std::string_view span_id) {
  // The trace id's length first keeps ("ab", "c") and ("a", "bc") apart. Normalised ids fit the
  // stack buffer; longer text (a payload's choice) takes the heap.
  char stack[96];
  const std::size_t size = 8 + trace_id.size() + span_id.size();
  std::string heap;
  char* buf = stack;
  if (size > sizeof stack) {
    heap.resize(size);
    buf = heap.data();
  }
  const std::uint64_t n = trace_id.size();
  std::memcpy(buf, &n, 8);
  if (!trace_id.empty()) std::memcpy(buf + 8, trace_id.data(), trace_id.size());
  if (!span_id.empty()) std::memcpy(buf + 8 + trace_id.size(), span_id.data(), span_id.size());
  return siphash128<1, 3>(key, std::string_view(buf, size));
}

SpanIdentitySet::Slot& SpanIdentitySet::slot_of(LargeArray<Slot>& slots, const Hash128& id) const {
  const std::size_t mask = slots.size() - 1;
  for (std::size_t i = id.lo & mask;; i = (i + 1) & mask) {
    Slot& s = slots[i];
    if (empty(s.id) || (s.id.lo == id.lo && s.id.hi == id.hi)) return s;
  }
}

SpanIdentitySet::Sighting SpanIdentitySet::insert(std::string_view trace_id,
                                                  std::string_view span_id, const Hash128& content,
                                                  std::uint64_t offset) {
  Hash128 id = fingerprint_(key_, trace_id, span_id);
  if (empty(id)) id.hi = 1;  // {0, 0} marks an empty slot
  return insert_prepared(id, content, offset);
}

Hash128 SpanIdentitySet::prepare(std::string_view trace_id, std::string_view span_id) const {
  Hash128 id = fingerprint_(key_, trace_id, span_id);
  if (empty(id)) id.hi = 1;
  if (!slots_.empty()) {
    const char* slot = reinterpret_cast<const char*>(&slots_[id.lo & (slots_.size() - 1)]);
    __builtin_prefetch(slot);
    __builtin_prefetch(slot + sizeof(Slot) - 1);  // a slot may straddle two cache lines
  }
  return id;
}

SpanIdentitySet::Sighting SpanIdentitySet::insert_prepared(const Hash128& id,
                                                           const Hash128& content,
                                                           std::uint64_t offset) {
  // At most three quarters full: the keyed fingerprint spreads ids evenly, so linear probing stays
  // short, and the table (40 bytes a slot) is the largest thing read beside the events.
  if ((size_ + 1) * 4 > slots_.size() * 3) grow(slots_);
  Slot& s = slot_of(slots_, id);
  if (empty(s.id)) {
    s = Slot{id, content, offset};
    ++size_;
    return {Seen::fresh, offset};
  }
  if (s.content.lo == content.lo && s.content.hi == content.hi) return {Seen::same, s.offset};
  // Another event under these ids: new unless this very event came under them before.
  if ((variant_count_ + 1) * 2 > variants_.size()) grow(variants_);
  Hash128 variant{id.lo ^ content.lo, id.hi ^ (content.hi * 0x9E3779B97F4A7C15ULL + 1)};
  if (empty(variant)) variant.hi = 1;
  Slot& v = slot_of(variants_, variant);
  if (!empty(v.id)) return {Seen::same, s.offset};
  v = Slot{variant, content, offset};
  ++variant_count_;
  return {Seen::different, s.offset};
}

void SpanIdentitySet::grow(LargeArray<Slot>& slots) {
  LargeArray<Slot> old = std::move(slots);
  slots = LargeArray<Slot>(old.empty() ? 1024 : old.size() * 2);
  for (const Slot& f : old) {
    if (!empty(f.id)) slot_of(slots, f.id) = f;
  }
}

}  // namespace kvonce::otlp

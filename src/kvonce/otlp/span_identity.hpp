// The spans already read, so that a span exported twice (a retried export, a collector restart)
// becomes one event. A span is the same span when its ids repeat *and* the event it maps to is
// the same (its content fingerprint, span_sink.cpp); two different events under one pair of ids
// are both kept. One 16-byte fingerprint per span in an open-addressing table: no allocation
// per span and one cache line per lookup, where a node-based set cost 15-19% of a read.
//
// The fingerprint is SipHash-1-3/128 under the process's secret key (keyed_hash.hpp). An unkeyed
// fingerprint could be collided on purpose: a crafted span would then be dropped as "exported
// twice" and could hide a second success. Without the key no such span can be built in advance,
// and two distinct spans meet by chance with probability about 2^-128 per pair.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "kvonce/util/keyed_hash.hpp"
#include "kvonce/util/large_memory.hpp"

namespace kvonce::otlp {

// The identity of (trace_id, span_id): 128 bits, the ids' boundary included.
using SpanFingerprint = Hash128 (*)(const HashKey& key, std::string_view trace_id,
                                    std::string_view span_id);
Hash128 span_fingerprint(const HashKey& key, std::string_view trace_id, std::string_view span_id);

class SpanIdentitySet {
 public:
  // `fingerprint` is a seam for the tests, which force collisions through it.
  explicit SpanIdentitySet(const HashKey& key = process_hash_key(),
                           SpanFingerprint fingerprint = &span_fingerprint)
      : key_(key), fingerprint_(fingerprint) {}

  // True when (trace_id, span_id) was not seen before, that is when no stored fingerprint
  // equals its 128 bits; the table slot comes from the low 64.
  bool insert(std::string_view trace_id, std::string_view span_id) {
    return insert(trace_id, span_id, Hash128{}, 0).seen == Seen::fresh;
  }

  // The same, with the fingerprint of the event the span maps to and where the span was read
  // (a byte offset): `same` when these ids came with this event before (the first event of the
  // ids, or one of the other events seen under them), `different` when the event is new under
  // known ids; `first_offset` is where the ids were first read.
  enum class Seen { fresh, same, different };
  struct Sighting {
    Seen seen;
    std::uint64_t first_offset;
  };
  Sighting insert(std::string_view trace_id, std::string_view span_id, const Hash128& content,
                  std::uint64_t offset);

  // The same insert in two steps: prepare() fingerprints the ids and starts fetching their table
  // slot into the cache, so that work done meanwhile (reading the rest of the span) hides the
  // miss; insert_prepared() then takes that fingerprint, for the same ids.
  Hash128 prepare(std::string_view trace_id, std::string_view span_id) const;
  Sighting insert_prepared(const Hash128& id, const Hash128& content, std::uint64_t offset);

  std::size_t size() const { return size_; }

 private:
  struct Slot {
    Hash128 id;  // {0, 0}: empty
    Hash128 content;
    std::uint64_t offset;
  };
  void grow(LargeArray<Slot>& slots);
  // Finds the slot of `id`, or the empty slot where it belongs.
  Slot& slot_of(LargeArray<Slot>& slots, const Hash128& id) const;

  LargeArray<Slot> slots_;  // a power of two in size, at most three quarters full
  std::size_t size_ = 0;
  // Fingerprints of (ids, event) for the events that came under ids already taken: rare, so a
  // second table keeps the first one's slots small.
  LargeArray<Slot> variants_;
  std::size_t variant_count_ = 0;
  HashKey key_;
  SpanFingerprint fingerprint_;
};

}  // namespace kvonce::otlp

// The spans already read, so that a span exported twice (a retried export, a collector restart)
// becomes one event. One 16-byte fingerprint per span in an open-addressing table: no allocation
// per span and one cache line per lookup, where a node-based set cost 15-19% of a read.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace kvonce::otlp {

class SpanIdentitySet {
 public:
  // True when (trace_id, span_id) was not seen before. Two independent 64-bit hashes of the pair
  // identify it: a false "seen" needs both to collide (about 2^-128 per pair).
  bool insert(std::string_view trace_id, std::string_view span_id);

  std::size_t size() const { return size_; }

 private:
  struct Fingerprint {
    std::uint64_t a = 0, b = 0;  // {0, 0}: an empty slot
  };

  void grow();

  std::vector<Fingerprint> slots_;  // a power of two in size, at most half full
  std::size_t size_ = 0;
};

}  // namespace kvonce::otlp

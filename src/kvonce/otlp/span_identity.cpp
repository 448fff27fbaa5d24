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

bool SpanIdentitySet::insert(std::string_view trace_id, std::string_view span_id) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  Hash128 id = fingerprint_(key_, trace_id, span_id);
  if (empty(id)) id.hi = 1;  // {0, 0} marks an empty slot
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = id.lo & mask;; i = (i + 1) & mask) {
    Hash128& s = slots_[i];
    if (empty(s)) {
      s = id;
      ++size_;
      return true;
    }
    if (s.lo == id.lo && s.hi == id.hi) return false;
  }
}

void SpanIdentitySet::grow() {
  std::vector<Hash128> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Hash128{});
  const std::size_t mask = slots_.size() - 1;
  for (const Hash128& f : old) {
    if (empty(f)) continue;
    std::size_t i = f.lo & mask;
    while (!empty(slots_[i])) i = (i + 1) & mask;
    slots_[i] = f;
  }
}

}  // namespace kvonce::otlp

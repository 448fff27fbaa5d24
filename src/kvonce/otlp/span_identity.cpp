#include "kvonce/otlp/span_identity.hpp"

#include <functional>

namespace kvonce::otlp {
namespace {

// FNV-1a over the bytes; continued from `h` so that one hash can cover both ids.
std::uint64_t fnv1a(std::string_view s, std::uint64_t h) {
  for (const char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

}  // namespace

bool SpanIdentitySet::insert(std::string_view trace_id, std::string_view span_id) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  const std::hash<std::string_view> hash;
  // The separator keeps ("ab", "c") and ("a", "bc") apart in the second hash; the first mixes
  // the two ids' own hashes, asymmetrically.
  Fingerprint id{hash(trace_id) * 0x9E3779B97F4A7C15ULL ^ hash(span_id),
                 fnv1a(span_id, fnv1a("/", fnv1a(trace_id, 1469598103934665603ULL)))};
  if (id.a == 0 && id.b == 0) id.b = 1;  // {0, 0} marks an empty slot
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = id.a & mask;; i = (i + 1) & mask) {
    Fingerprint& s = slots_[i];
    if (s.a == 0 && s.b == 0) {
      s = id;
      ++size_;
      return true;
    }
    if (s.a == id.a && s.b == id.b) return false;
  }
}

void SpanIdentitySet::grow() {
  std::vector<Fingerprint> old = std::move(slots_);
  slots_.assign(old.empty() ? 1024 : old.size() * 2, Fingerprint{});
  const std::size_t mask = slots_.size() - 1;
  for (const Fingerprint& f : old) {
    if (f.a == 0 && f.b == 0) continue;
    std::size_t i = f.a & mask;
    while (slots_[i].a != 0 || slots_[i].b != 0) i = (i + 1) & mask;
    slots_[i] = f;
  }
}

}  // namespace kvonce::otlp

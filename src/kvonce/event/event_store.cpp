#include "kvonce/event/event_store.hpp"

#include <algorithm>
#include <cstring>

#include "kvonce/util/error.hpp"

namespace kvonce {
namespace {
constexpr std::size_t kBlockSize = 1 << 20;
}

char* EventStore::allocate(std::size_t bytes) {
  if (blocks_.empty() || block_used_ + bytes > block_size_) {
    block_size_ = std::max(kBlockSize, bytes);
    // Not zeroed: every byte is written before it is read, and pages never written stay unmapped.
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_size_));
    block_used_ = 0;
  }
  char* p = blocks_.back().get() + block_used_;
  block_used_ += bytes;
  return p;
}

void EventStore::add(const EventView& e) {
  const std::string_view fields[kFields] = {e.trace_id,
                                            e.actor,
                                            e.type,
                                            e.key,
                                            e.value.value_or(""),
                                            e.reason.value_or(""),
                                            e.context.value_or("")};
  const std::string_view span = e.span_id.size() <= kMaxSpanId ? e.span_id : std::string_view();
  const std::size_t end_bytes = e.ended ? sizeof(std::uint64_t) : 0;
  std::size_t total = span.size() + end_bytes;
  for (const auto& f : fields) total += f.size();
  if (total > UINT32_MAX) fail(ErrorKind::limit, "one event is larger than 4 GiB");
  const Nanos era = e.time_ns >> 64;  // floor: the high bits of the two's complement value
  Entry entry{static_cast<std::uint64_t>(e.time_ns),
              allocate(total),
              {},
              0,
              static_cast<std::int8_t>(era),
              static_cast<std::uint16_t>(span.size() | (e.ended ? kEnded : 0))};
  char* out = const_cast<char*>(entry.text);
  std::uint32_t at = 0;
  for (int f = 0; f < kFields; ++f) {
    // memcpy wants valid pointers even for no bytes: an event of empty fields may have none.
    if (!fields[f].empty()) std::memcpy(out + at, fields[f].data(), fields[f].size());
    at += static_cast<std::uint32_t>(fields[f].size());
    entry.ends[f] = at;
  }
  if (!span.empty()) std::memcpy(out + at, span.data(), span.size());
  if (e.ended) {  // an end is never before the epoch: its low 64 bits are the whole of it
    const auto end = static_cast<std::uint64_t>(e.end_ns);
    std::memcpy(out + at + span.size(), &end, sizeof end);
  }
  entry.flags = static_cast<std::uint8_t>((e.value ? kHasValue : 0) | (e.reason ? kHasReason : 0) |
                                          (e.context ? kHasContext : 0) | (e.timed ? 0 : kUntimed) |
                                          static_cast<int>(e.type_form) << kTypeFormShift |
                                          static_cast<int>(e.key_form) << kKeyFormShift);
  text_bytes_ += total;
  index_.push_back(entry);
}

bool EventStore::before(const Entry& a, const Entry& b) {
  const bool a_untimed = a.flags & kUntimed, b_untimed = b.flags & kUntimed;
  if (a_untimed != b_untimed) return b_untimed;
  if (a.era != b.era) return a.era < b.era;
  return a.time_ns < b.time_ns;  // both untimed: 0 and 0, so input order stays
}

void EventStore::permute(const std::vector<std::uint32_t>& order) {
  std::vector<Entry> moved;
  moved.reserve(index_.size());
  for (const std::uint32_t i : order) moved.push_back(index_[i]);
  index_ = std::move(moved);
}

bool EventStore::same_events(const EventStore& other) const {
  if (size() != other.size() || text_bytes_ != other.text_bytes_) return false;
  for (std::size_t i = 0; i < index_.size(); ++i) {
    const Entry &a = index_[i], &b = other.index_[i];
    if (a.time_ns != b.time_ns || a.flags != b.flags || a.era != b.era ||
        a.span_size != b.span_size || a.ends != b.ends) {
      return false;
    }
    // The fields, the span id and the end: the whole of the event's text.
    const std::size_t bytes =
        a.ends[kFields - 1] + (a.span_size & kMaxSpanId) + (a.span_size & kEnded ? 8 : 0);
    if (bytes != 0 && std::memcmp(a.text, b.text, bytes) != 0) return false;
  }
  return true;
}

bool EventStore::is_time_ordered() const {
  return std::is_sorted(index_.begin(), index_.end(), before);
}

void EventStore::sort_by_time() {
  if (is_time_ordered()) return;
  std::stable_sort(index_.begin(), index_.end(), before);
}

}  // namespace kvonce

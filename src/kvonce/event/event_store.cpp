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
  std::size_t total = 0;
  for (const auto& f : fields) total += f.size();
  if (total > UINT32_MAX) fail(ErrorKind::limit, "one event is larger than 4 GiB");
  Entry entry{e.time_ns, allocate(total), {}, 0};
  char* out = const_cast<char*>(entry.text);
  std::uint32_t at = 0;
  for (int f = 0; f < kFields; ++f) {
    std::memcpy(out + at, fields[f].data(), fields[f].size());
    at += static_cast<std::uint32_t>(fields[f].size());
    entry.ends[f] = at;
  }
  entry.present =
      static_cast<std::uint8_t>((e.value ? 1 : 0) | (e.reason ? 2 : 0) | (e.context ? 4 : 0));
  text_bytes_ += total;
  index_.push_back(entry);
}

EventView EventStore::operator[](std::size_t i) const {
  const Entry& e = index_[i];
  auto field = [&](int f) {
    const std::uint32_t begin = f == 0 ? 0 : e.ends[f - 1];
    return std::string_view(e.text + begin, e.ends[f] - begin);
  };
  EventView v;
  v.time_ns = e.time_ns;
  v.trace_id = field(kTrace);
  v.actor = field(kActor);
  v.type = field(kType);
  v.key = field(kKey);
  if (e.present & 1) v.value = field(kValue);
  if (e.present & 2) v.reason = field(kReason);
  if (e.present & 4) v.context = field(kContext);
  return v;
}

bool EventStore::is_time_ordered() const {
  return std::is_sorted(index_.begin(), index_.end(),
                        [](const Entry& a, const Entry& b) { return a.time_ns < b.time_ns; });
}

void EventStore::sort_by_time() {
  if (is_time_ordered()) return;
  std::stable_sort(index_.begin(), index_.end(),
                   [](const Entry& a, const Entry& b) { return a.time_ns < b.time_ns; });
}

}  // namespace kvonce

#include "kvonce/util/key_index.hpp"

#include <cstring>

#include "kvonce/util/error.hpp"

namespace kvonce {
namespace {

// An empty key has no bytes to point at: any non-null address stands for it.
const char kEmptyKey = 0;

}  // namespace

std::pair<std::uint32_t, bool> KeyIndex::insert(std::string_view key) {
  if ((size_ + 1) * 2 > slots_.size()) grow();
  const std::uint64_t hash = keyed_hash(key, key_);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    ++probes_;
    Slot& s = slots_[i];
    if (!s.data) {
      if (size_ >= UINT32_MAX) fail(ErrorKind::limit, "more than 4,294,967,295 distinct keys");
      s = Slot{hash, key.empty() ? &kEmptyKey : key.data(), static_cast<std::uint32_t>(key.size()),
               static_cast<std::uint32_t>(size_++)};
      return {s.index, true};
    }
    if (s.hash == hash && s.length == key.size() &&
        (key.empty() || std::memcmp(s.data, key.data(), key.size()) == 0)) {
      return {s.index, false};
    }
  }
}

std::optional<std::uint32_t> KeyIndex::find(std::string_view key) const {
  if (slots_.empty()) return std::nullopt;
  const std::uint64_t hash = keyed_hash(key, key_);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots_[i];
    if (!s.data) return std::nullopt;
    if (s.hash == hash && s.length == key.size() &&
        (key.empty() || std::memcmp(s.data, key.data(), key.size()) == 0)) {
      return s.index;
    }
  }
}

void KeyIndex::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
  const std::size_t mask = slots_.size() - 1;
  for (const Slot& s : old) {
    if (!s.data) continue;
    std::size_t i = s.hash & mask;
    while (slots_[i].data) i = (i + 1) & mask;
    slots_[i] = s;
  }
}

}  // namespace kvonce

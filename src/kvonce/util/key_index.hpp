// KeyIndex numbers distinct keys densely (0, 1, 2, ... in order of first sight), so per-key state
// lives in a plain vector. The rules, the projection and the batch key count look a key up once
// per event; with a million keys every lookup misses the cache, and std::unordered_map costs a
// bucket, a node and an allocation per key. Here a lookup touches one 24-byte slot (hash, size
// and the key's address) and, on a hash match, the key's bytes.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "kvonce/util/keyed_hash.hpp"

namespace kvonce {

class KeyIndex {
 public:
  explicit KeyIndex(const HashKey& key = process_hash_key()) : key_(key) {}

  // The key's index and whether it was new. The key's bytes must outlive the index (they are
  // views into an EventStore).
  std::pair<std::uint32_t, bool> insert(std::string_view key);

  // The key's index, or nothing when it was never inserted.
  std::optional<std::uint32_t> find(std::string_view key) const;

  std::size_t size() const { return size_; }
  // Slots visited by every insert so far: about 1.5 per insert at half load with a good hash;
  // the tests pin it on keys chosen to collide.
  std::uint64_t probes() const { return probes_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    const char* data = nullptr;  // nullptr: empty
    std::uint32_t length = 0;
    std::uint32_t index = 0;
  };

  void grow();

  std::vector<Slot> slots_;  // a power of two in size, at most half full
  std::size_t size_ = 0;
  std::uint64_t probes_ = 0;
  HashKey key_;
};

}  // namespace kvonce

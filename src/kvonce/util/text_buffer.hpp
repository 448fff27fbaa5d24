// A byte buffer the writers format into through a cursor: room for an entry's upper bound is made
// once, then the entry is written with plain stores, no per-append checks, and the buffer is
// handed to the file whole. std::string would zero what it reserves and check every append.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

namespace kvonce {

class TextBuffer {
 public:
  explicit TextBuffer(std::size_t capacity) { grow(capacity); }

  // A cursor with room for `bytes` more; hand what was written back with commit().
  char* room(std::size_t bytes) {
    if (capacity_ - size_ < bytes) grow(size_ + bytes);
    return data_.get() + size_;
  }
  void commit(const char* end) { size_ = static_cast<std::size_t>(end - data_.get()); }
  void append(std::string_view text) {
    char* p = room(text.size());
    std::memcpy(p, text.data(), text.size());
    commit(p + text.size());
  }

  std::string_view view() const { return {data_.get(), size_}; }
  std::size_t size() const { return size_; }
  void clear() { size_ = 0; }

 private:
  void grow(std::size_t need) {
    const std::size_t capacity = std::max(need, capacity_ * 2);
    auto bigger = std::make_unique_for_overwrite<char[]>(capacity);
    if (size_) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0, capacity_ = 0;
};

}  // namespace kvonce

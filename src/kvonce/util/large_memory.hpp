// Memory for a large table that is filled in random order (the spans already read,
// otlp/span_identity), asked of the kernel in 2 MiB pages where it gives them (transparent huge
// pages on request, MADV_HUGEPAGE): its first touch then costs one page fault per 2 MiB instead
// of 512. In a virtual machine a fault costs far more than zeroing its page; that table took a
// third of the faults of a 150,000-span read. Memory filled front to back (the event store's
// blocks) gains little and would round the peak up by a huge page, so it stays as it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace kvonce {

struct LargeMemoryFree {
  void operator()(void* p) const noexcept;
};
using LargeMemory = std::unique_ptr<char[], LargeMemoryFree>;

// `bytes` of uninitialised memory (aligned to 2 MiB when at least that large), or throws
// std::bad_alloc. Smaller blocks are plain heap memory.
LargeMemory allocate_large(std::size_t bytes);

// A zero-filled array of `n` T (trivially copyable) in such memory.
template <typename T>
class LargeArray {
 public:
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
  LargeArray() = default;
  explicit LargeArray(std::size_t n)
      : memory_(allocate_large(bytes_for(n))), data_(reinterpret_cast<T*>(memory_.get())), n_(n) {
    for (std::size_t i = 0; i < n; ++i) new (data_ + i) T{};
  }
  LargeArray(LargeArray&& o) noexcept
      : memory_(std::move(o.memory_)),
        data_(std::exchange(o.data_, nullptr)),
        n_(std::exchange(o.n_, 0)) {}
  LargeArray& operator=(LargeArray&& o) noexcept {
    memory_ = std::move(o.memory_);
    data_ = std::exchange(o.data_, nullptr);
    n_ = std::exchange(o.n_, 0);
    return *this;
  }
  std::size_t size() const { return n_; }
  bool empty() const { return n_ == 0; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  T* begin() { return data_; }
  T* end() { return data_ + n_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + n_; }

 private:
  static std::size_t bytes_for(std::size_t n) {
    if (n > SIZE_MAX / sizeof(T)) throw std::bad_alloc();
    return n * sizeof(T);
  }

  LargeMemory memory_;
  T* data_ = nullptr;
  std::size_t n_ = 0;
};

}  // namespace kvonce

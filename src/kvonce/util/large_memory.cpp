#include "kvonce/util/large_memory.hpp"

#include <cstdlib>
#include <new>

#include <sys/mman.h>

namespace kvonce {
namespace {

constexpr std::size_t kHugePage = std::size_t{2} << 20;

}  // namespace

void LargeMemoryFree::operator()(void* p) const noexcept {
  std::free(p);
}

LargeMemory allocate_large(std::size_t bytes) {
  if (bytes < kHugePage) {
    void* p = std::malloc(bytes == 0 ? 1 : bytes);
    if (!p) throw std::bad_alloc();
    return LargeMemory(static_cast<char*>(p));
  }
  const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void* p = std::aligned_alloc(kHugePage, rounded);
  if (!p) throw std::bad_alloc();
#ifdef MADV_HUGEPAGE
  // Advice only: where the kernel has no huge pages to give, the memory stays in 4 KiB pages.
  (void)madvise(p, rounded, MADV_HUGEPAGE);
#endif
  return LargeMemory(static_cast<char*>(p));
}

}  // namespace kvonce

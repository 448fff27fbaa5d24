// The bound on what one run writes (--max-output-bytes). Outputs grow with the payload, and a
// small payload can ask for large outputs (a long value repeated by many events); every writer of
// a run's output set charges its bytes here before writing them, so a run ends with
// Error(limit) -- exit 5 -- instead of filling the disk. Thread-safe: batch jobs share nothing
// but may share one budget.
#pragma once

#include <atomic>
#include <cstdint>

namespace kvonce {

// The default bound: 64 times the decompressed input, and at least 256 MiB.
inline constexpr std::uint64_t kMinDefaultOutputBytes = 256ULL << 20;
inline constexpr std::uint64_t kOutputBytesPerInputByte = 64;
std::uint64_t default_max_output_bytes(std::uint64_t decompressed_input_bytes);

class OutputBudget {
 public:
  explicit OutputBudget(std::uint64_t max_bytes) : max_(max_bytes) {}

  // Counts `bytes` about to be written; Error(limit) when that takes the total over the bound.
  void charge(std::uint64_t bytes);

  std::uint64_t max() const { return max_; }
  std::uint64_t used() const { return used_.load(std::memory_order_relaxed); }

 private:
  std::uint64_t max_;
  std::atomic<std::uint64_t> used_{0};
};

}  // namespace kvonce

#include "kvonce/util/output_budget.hpp"

#include <string>

#include "kvonce/util/error.hpp"

namespace kvonce {

std::uint64_t default_max_output_bytes(std::uint64_t decompressed_input_bytes) {
  const std::uint64_t scaled = decompressed_input_bytes > UINT64_MAX / kOutputBytesPerInputByte
                                   ? UINT64_MAX
                                   : decompressed_input_bytes * kOutputBytesPerInputByte;
  return scaled > kMinDefaultOutputBytes ? scaled : kMinDefaultOutputBytes;
}

void OutputBudget::charge(std::uint64_t bytes) {
  const std::uint64_t before = used_.fetch_add(bytes, std::memory_order_relaxed);
  if (before + bytes > max_ || before + bytes < before) {
    fail(ErrorKind::limit, "the outputs would exceed " + std::to_string(max_) +
                               " bytes (--max-output-bytes; by default 64 times the "
                               "decompressed input, at least 256 MiB); nothing was replaced");
  }
}

}  // namespace kvonce

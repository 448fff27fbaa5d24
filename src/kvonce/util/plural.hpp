// "1 event", "2 events": counts in console summaries and reports.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kvonce {

inline std::string counted(std::uint64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

}  // namespace kvonce

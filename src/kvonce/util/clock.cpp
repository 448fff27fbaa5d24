#include "kvonce/util/clock.hpp"

namespace kvonce {

Clock system_clock() {
  return [] { return std::chrono::system_clock::now(); };
}

std::chrono::system_clock::time_point now(const Clock& clock) {
  return clock ? clock() : std::chrono::system_clock::now();
}

}  // namespace kvonce

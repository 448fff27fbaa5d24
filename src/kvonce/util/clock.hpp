// The wall clock as a value: made once at the command line's root and handed to whatever stamps
// a time into an output or a request (generatedAt, fetchedAt, completed_at, signatures), so tests
// run with a fixed time. Durations are measured with steady_clock and need no seam.
#pragma once

#include <chrono>
#include <functional>

namespace kvonce {

using Clock = std::function<std::chrono::system_clock::time_point()>;

// The system's wall clock.
Clock system_clock();

// `clock` when set, else the system's: lets options structs leave the clock unset.
std::chrono::system_clock::time_point now(const Clock& clock);

}  // namespace kvonce

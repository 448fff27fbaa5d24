// How a batch tells the console what it is doing: one log line per payload (logs, CI), or a
// progress bar redrawn in place (a terminal).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>

#include "kvonce/batch/result.hpp"

namespace kvonce::batch {

// The batch calls these from one thread at a time (under its own lock); a bar's redraw thread
// takes the bar's lock.
class Progress {
 public:
  virtual ~Progress() = default;
  virtual void start(std::uint64_t total) = 0;
  // `resumed`: skipped because --resume holds the same source and sha256.
  virtual void payload_done(const PayloadResult& result, bool resumed) = 0;
  virtual void finish() = 0;
};

// One line per payload: "[  12/1000] VALID    source (1,234 events, 56 keys, 0.12 s)".
std::unique_ptr<Progress> make_log_progress(std::ostream& out);

// A bar on one line, redrawn at most every kRedrawInterval (also while a long payload runs);
// invalid and failed payloads are printed as lines above it.
inline constexpr std::chrono::milliseconds kRedrawInterval{100};
std::unique_ptr<Progress> make_bar_progress(std::ostream& out, int width = 80);

// The bar's text (without "\r"): done/total, events/s, ETA. Exposed for tests.
struct BarState {
  std::uint64_t done = 0, total = 0, events = 0, failed = 0, invalid = 0;
  double elapsed_seconds = 0;
};
std::string render_bar(const BarState& state, int width);

// "VALID", "INVALID", "NO EVENTS", "ERROR" and the rest of a log line after the counter.
std::string describe_result(const PayloadResult& result, bool resumed);

}  // namespace kvonce::batch

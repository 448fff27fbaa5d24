#include "kvonce/batch/progress.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "kvonce/util/console_text.hpp"

namespace kvonce::batch {
namespace {

std::string seconds_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f s", s);
  return buf;
}

std::string duration_text(double s) {
  const auto total = static_cast<long long>(s + 0.5);
  char buf[32];
  if (total >= 3600)
    std::snprintf(buf, sizeof buf, "%lldh%02lldm", total / 3600, total / 60 % 60);
  else
    std::snprintf(buf, sizeof buf, "%lldm%02llds", total / 60, total % 60);
  return buf;
}

class LogProgress final : public Progress {
 public:
  explicit LogProgress(std::ostream& out) : out_(out) {}
  void start(std::uint64_t total) override {
    total_ = total;
    width_ = std::to_string(total).size();
  }
  void payload_done(const PayloadResult& r, bool resumed) override {
    std::string done = std::to_string(++done_);
    done.insert(0, width_ > done.size() ? width_ - done.size() : 0, ' ');
    out_ << "[" << done << "/" << total_ << "] " << describe_result(r, resumed) << "\n"
         << std::flush;
  }
  void finish() override {}

 private:
  std::ostream& out_;
  std::uint64_t total_ = 0, done_ = 0;
  std::size_t width_ = 1;
};

// The bar's own thread redraws it while nothing finishes, so a long payload does not look hung.
class BarProgress final : public Progress {
 public:
  BarProgress(std::ostream& out, int width) : out_(out), width_(width) {}
  ~BarProgress() override { stop_thread(); }

  void start(std::uint64_t total) override {
    state_.total = total;
    start_ = std::chrono::steady_clock::now();
    redraw_thread_ = std::thread([this] { redraw_loop(); });
  }
  void payload_done(const PayloadResult& r, bool resumed) override {
    std::lock_guard<std::mutex> lock(mutex_);
    ++state_.done;
    state_.events += resumed ? 0 : r.events;
    if (r.failed()) ++state_.failed;
    if (!r.error && !r.valid) ++state_.invalid;
    if (r.error || !r.valid || !r.partial.empty())
      out_ << "\r\x1b[K" << describe_result(r, resumed) << "\n";
    if (std::chrono::steady_clock::now() - last_draw_ >= kRedrawInterval) draw();
  }
  void finish() override {
    stop_thread();
    std::lock_guard<std::mutex> lock(mutex_);
    draw();
    out_ << "\n" << std::flush;
  }

 private:
  void draw() {
    state_.elapsed_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    out_ << "\r\x1b[K" << render_bar(state_, width_) << std::flush;
    last_draw_ = std::chrono::steady_clock::now();
  }
  void redraw_loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      wake_.wait_for(lock, kRedrawInterval);
      if (!stopping_ && std::chrono::steady_clock::now() - last_draw_ >= kRedrawInterval) draw();
    }
  }
  void stop_thread() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    if (redraw_thread_.joinable()) redraw_thread_.join();
  }

  std::ostream& out_;
  int width_;
  BarState state_;
  std::chrono::steady_clock::time_point start_, last_draw_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread redraw_thread_;
};

}  // namespace

std::string describe_result(const PayloadResult& r, bool resumed) {
  const std::string source = console_escape(r.source);
  if (resumed) return "RESUMED   " + source + " (recorded with the same sha256)";
  if (r.failed()) {
    return "ERROR     " + source + ": " + console_escape(r.error->kind) + ": " +
           console_escape(r.error->message);
  }
  if (r.no_events()) return "NO EVENTS " + source + ": " + console_escape(r.error->message);
  std::string out = (r.valid ? "VALID     " : "INVALID   ") + source + " (" +
                    std::to_string(r.events) + " events, " + std::to_string(r.keys) + " keys, ";
  if (!r.valid) out += std::to_string(r.issues()) + (r.issues() == 1 ? " issue, " : " issues, ");
  out += seconds_text(r.seconds) + ")";
  if (!r.partial.empty()) out += "; warning: " + console_escape(r.partial.front());
  return out;
}

std::string render_bar(const BarState& s, int width) {
  std::string tail = " " + std::to_string(s.done) + "/" + std::to_string(s.total) + " payloads";
  const double rate = s.elapsed_seconds > 0 ? static_cast<double>(s.events) / s.elapsed_seconds : 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "  %.0f events/s", rate);
  tail += buf;
  if (s.done > 0 && s.done < s.total) {
    const double eta =
        s.elapsed_seconds / static_cast<double>(s.done) * static_cast<double>(s.total - s.done);
    tail += "  ETA " + duration_text(eta);
  } else if (s.done == s.total) {
    tail += "  done in " + duration_text(s.elapsed_seconds);
  }
  if (s.invalid) tail += "  " + std::to_string(s.invalid) + " invalid";
  if (s.failed) tail += "  " + std::to_string(s.failed) + " failed";
  const int bar = std::max(10, width - static_cast<int>(tail.size()) - 2);
  const auto filled =
      s.total == 0 ? bar
                   : static_cast<int>(static_cast<double>(bar) * static_cast<double>(s.done) /
                                      static_cast<double>(s.total));
  return "[" + std::string(static_cast<std::size_t>(filled), '#') +
         std::string(static_cast<std::size_t>(bar - filled), '.') + "]" + tail;
}

std::unique_ptr<Progress> make_log_progress(std::ostream& out) {
  return std::make_unique<LogProgress>(out);
}

std::unique_ptr<Progress> make_bar_progress(std::ostream& out, int width) {
  return std::make_unique<BarProgress>(out, width);
}

}  // namespace kvonce::batch

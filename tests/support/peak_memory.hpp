// The peak memory a piece of work adds, measured in a child process so that neither the test
// binary's own heap nor earlier tests count: the child resets its high-water mark
// (/proc/self/clear_refs, "5"), runs the work, and reports how far VmHWM rose above the resident
// size it started from.
#pragma once

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <string>

#include <sys/wait.h>
#include <unistd.h>

namespace kvonce::test {

struct PeakMemory {
  std::uint64_t growth_bytes = 0;  // VmHWM after the work minus VmRSS before it
  std::string outcome;             // what the work returned, or "threw: <what>"
};

namespace peak_memory_detail {

inline std::uint64_t status_kib(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::string prefix = std::string(field) + ":";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) return std::stoull(line.substr(prefix.size()));
  }
  return 0;
}

inline void write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace peak_memory_detail

// Runs `work` in a forked child and returns the memory it added at its peak, with the text
// `work` returned (or the exception it threw) so the test can check the outcome too.
inline PeakMemory peak_memory_of(const std::function<std::string()>& work) {
  namespace d = peak_memory_detail;
  int pipe_fds[2];
  if (::pipe(pipe_fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::close(pipe_fds[0]);
    {
      std::ofstream reset("/proc/self/clear_refs");
      reset << "5";
    }
    const std::uint64_t before = d::status_kib("VmRSS");
    std::string outcome;
    try {
      outcome = work();
    } catch (const std::exception& e) {
      outcome = std::string("threw: ") + e.what();
    } catch (...) {
      outcome = "threw: (not a std::exception)";
    }
    const std::uint64_t peak = d::status_kib("VmHWM");
    const std::uint64_t growth = peak > before ? (peak - before) * 1024 : 0;
    d::write_all(pipe_fds[1], std::to_string(growth) + "\n" + outcome);
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  std::string report;
  char buf[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buf, sizeof buf)) > 0;) report.append(buf, n);
  ::close(pipe_fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  const std::size_t newline = report.find('\n');
  if (!WIFEXITED(status) || newline == std::string::npos) {
    throw std::runtime_error("the measured child did not report: " + report);
  }
  return PeakMemory{std::stoull(report.substr(0, newline)), report.substr(newline + 1)};
}

}  // namespace kvonce::test

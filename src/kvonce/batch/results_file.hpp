// The results file: JSON Lines (result.hpp), one line appended as each payload finishes.
//
// Unlike the other outputs, this file is deliberately not written atomically: each line is
// written and flushed as soon as its payload finishes, so an interrupted batch keeps every line
// it completed and `--resume` continues from them. It is only ever appended to, never truncated:
// lines of earlier runs stay (a reader takes a source's last line). A batch killed in the middle
// of a write can leave a torn last line (no newline): readers ignore it, and the next writer cuts
// it off before appending.
//
// One writer at a time: the writer holds an exclusive flock() on the file while it is open, so
// two batches never interleave their lines. A second writer waits for the lock for a bounded time
// (the first may be a batch still shutting down, as when a rescheduled pod resumes the file of
// an evicted one), then is refused with Error(output). On NFS the lock is a POSIX lock on the
// server, so this holds across hosts too; a filesystem without locks writes unlocked.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

#include "kvonce/batch/result.hpp"

namespace kvonce::batch {

struct ResultsFile {
  std::vector<PayloadResult> results;  // in file order
  std::uint64_t complete_bytes = 0;    // length up to the end of the last complete line
  bool torn_tail = false;              // a last line without its newline was ignored
};

// Reads a results file. Error(input) "FILE:LINE: not a batch results line: ..." for a malformed
// complete line; Error(input) when the file cannot be read. Blank lines are skipped.
ResultsFile read_results(const std::filesystem::path& path);

// How long a second writer waits for the results file's lock by default.
inline constexpr std::chrono::seconds kResultsLockWait{30};

class ResultsWriter {
 public:
  // Opens `path` for appending (creating it), takes its lock (waiting at most `lock_wait`), then
  // cuts off a torn last line. Error(output) naming the file when any of that fails.
  explicit ResultsWriter(std::filesystem::path path,
                         std::chrono::milliseconds lock_wait = kResultsLockWait);
  ~ResultsWriter();
  ResultsWriter(const ResultsWriter&) = delete;
  ResultsWriter& operator=(const ResultsWriter&) = delete;

  // Writes and flushes one line; safe to call from several threads. Error(output) on failure.
  void append(const PayloadResult& result);
  void close();  // Error(output) when the final close fails

 private:
  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
  std::mutex mutex_;
};

}  // namespace kvonce::batch

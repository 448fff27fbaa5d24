// The results file: JSON Lines (result.hpp), one line appended as each payload finishes.
//
// Unlike the other outputs, this file is deliberately not written atomically: each line is
// written and flushed as soon as its payload finishes, so an interrupted batch keeps every line
// it completed and `--resume` continues from them. A batch killed in the middle of a write can
// leave a torn last line (no newline): readers ignore it, and a batch resuming into the same file
// cuts it off before appending.
#pragma once

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

class ResultsWriter {
 public:
  // Without `append_at`: creates or truncates `path`. With it: cuts the existing file to that
  // length (the end of its last complete line) and appends. Error(output) naming the file.
  ResultsWriter(std::filesystem::path path, std::optional<std::uint64_t> append_at);
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

// Output files that appear whole or not at all.
//
// AtomicFile writes to a temporary file in the target's directory and renames it over the target
// on commit(); destroying it uncommitted removes the temporary file. A reader of the target thus
// never sees a half-written file, and a failed run leaves the previous file (or none) in place.
// The path "-" means standard output, written through directly.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace kvonce {

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  void commit();  // flush, fsync-free close, rename into place; throws Error(output) on failure
  const std::filesystem::path& target() const { return target_; }
  bool is_stdout() const { return to_stdout_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
  bool to_stdout_ = false;
  bool committed_ = false;
};

// Writes a whole small file atomically.
void write_file_atomically(const std::filesystem::path& target, std::string_view bytes);

// Creates a directory (and its parents); throws Error(output) naming it when that fails.
void ensure_directory(const std::filesystem::path& dir);

}  // namespace kvonce

// Output files that appear whole or not at all, and never destroy what is not a regular file.
//
// What the target path names decides how it is written:
// - a regular file, or nothing yet: written to a temporary file beside it and renamed over it on
//   commit(); destroying the AtomicFile uncommitted removes the temporary file. A reader of the
//   target never sees a half-written file, and a failed run leaves the previous file (or none).
// - a symbolic link: followed (every link of a chain; a dangling one too) to the file it names,
//   which is replaced as above. The link itself stays a link.
// - "-" (standard output), a character device (/dev/null, a terminal) or a FIFO: written through,
//   as a shell redirection would. Renaming a file over them would destroy them: as root, a
//   regular file would take the place of /dev/null. A regular file named through an open
//   descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N) is appended to: it is whatever the
//   caller opened, `> new` or `>> log`, and replacing it would lose what `>>` meant to keep.
// - a directory, a block device or a socket: Error(output).
// A file the tool names inside one of its output directories (an OutputPath with a directory,
// output_dir.hpp) is replaced only when it is a regular file or nothing: a link, device, FIFO,
// socket or directory there is Error(output), naming it. Its temporary file is created and
// renamed within the directory's descriptor (openat O_CREAT | O_EXCL | O_NOFOLLOW, renameat), so
// no link in the directory's path can send the bytes elsewhere.
//
// Temporary files are named `.NAME.tmp-PID-N`. Their writer holds an exclusive flock() on them
// until the rename, and they are removed when the process is interrupted (interrupt_cleanup.hpp).
// Before a target is written, its stale temporaries are removed: those left by a killed run,
// recognised by their lock being free (a PID is no proof: pods sharing a volume reuse PIDs, and
// the lock also works across hosts on NFS). Temporaries of other targets are left alone, and so
// is any whose lock cannot be tested.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "kvonce/util/interrupt_cleanup.hpp"
#include "kvonce/util/output_dir.hpp"

namespace kvonce {

// How much formatted text a writer gathers before it hands it on (hashed, then written): small
// enough that the bytes are still in the CPU's cache for the hash and the kernel's copy. On the
// benchmark payload, `verify -d` cost 5% less CPU with 64 KiB chunks than with 1 MiB ones.
inline constexpr std::size_t kWriteChunkBytes = 64u << 10;

class AtomicFile {
 public:
  explicit AtomicFile(std::filesystem::path target);
  explicit AtomicFile(const OutputPath& target);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view bytes);
  // Appends the first `bytes` bytes of the open file `source`, copied by the kernel
  // (copy_file_range: no pass through this process, and no copy at all where the filesystem
  // shares extents); false when `source` holds fewer. Throws Error(output) when writing fails.
  bool copy_from(int source, std::uint64_t bytes);
  // Hands what write() gathered to the file, so that a reader of it (open_reader) sees it.
  void flush();
  // A new descriptor reading the temporary file from its start, -1 when the target is written
  // through or the file cannot be opened again. It reads the same file after commit() renames
  // it; the caller closes it.
  int open_reader() const;
  // Flush and close (no fsync), then rename into place; throws Error(output) on failure. A file
  // written through is flushed and closed, and its write errors are reported here.
  void commit();
  const std::filesystem::path& target() const { return target_; }

 private:
  enum class Mode { stdout_stream, through, replace };
  void open_path();
  void open_in_dir(const OutputDir& dir, const std::filesystem::path& rel);
  void open_through(bool append);
  void open_temporary();
  void commit_through();
  void commit_replace();

  std::filesystem::path target_;  // as given, for messages
  std::optional<OutputDir> dir_;  // a name the tool chose: final_ and temp_ are names in it
  int at_;                        // what final_ and temp_ are relative to: dir_'s or AT_FDCWD
  std::filesystem::path final_;   // what rename() replaces: the target with its links followed
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
  Mode mode_ = Mode::replace;
  bool committed_ = false;
  std::optional<RemoveOnInterrupt> cleanup_;  // the temporary file, while it exists
};

// Writes a whole small file atomically.
void write_file_atomically(const std::filesystem::path& target, std::string_view bytes);
void write_file_atomically(const OutputPath& target, std::string_view bytes);

// Creates a directory (and its parents); throws Error(output) naming it when that fails.
void ensure_directory(const std::filesystem::path& dir);

// Where a write to `path` lands: every symbolic link of its last component followed (a relative
// link against the link's directory), up to 40 of them; Error(output) beyond (a loop).
std::filesystem::path follow_links(const std::filesystem::path& path);

// Whether `path` is, or leads through links to, a descriptor of an open file: /dev/stdout and
// /dev/fd/N lead to /proc/self/fd/N.
bool names_open_descriptor(const std::filesystem::path& path);

}  // namespace kvonce

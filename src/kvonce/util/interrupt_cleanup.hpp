// Temporary files removed when the process is interrupted.
//
// SIGINT (Ctrl-C) and SIGTERM (a CI job cancelled, a pod evicted) would otherwise end the process
// with its temporary files left beside their targets, hundreds of megabytes for a large payload.
// Files registered here are removed by the signal handler, which then ends the process with
// exit status 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM.
//
// The handler only reads lock-free atomics and calls unlinkat(), nanosleep(), gettid() and _exit(),
// so it is safe in a signal handler and while other threads register and release files.
#pragma once

#include <filesystem>

namespace kvonce {

// Installs the handler for SIGINT and SIGTERM (main() does; idempotent). A signal that was
// ignored when the process started (`nohup`, a background job) stays ignored.
void install_interrupt_cleanup();

// While alive, `path` is removed if the process is interrupted, and counts as held by this
// process (held_by_this_process). Register a path before creating it, and call created() once the
// call that creates it has returned (whether or not it succeeded): a signal that arrives in
// between, on this thread or another, still removes the file. Release it once the file is
// renamed into place or removed. A directory is removed after every file, and only once empty
// (its files registered too).
class RemoveOnInterrupt {
 public:
  enum class Kind { file, directory };
  explicit RemoveOnInterrupt(const std::filesystem::path& path, Kind kind = Kind::file);
  // A file named in the directory open as `dir_fd` (which must stay open while this is alive), so
  // that no link in the directory's path can send the removal elsewhere; held as `held_as`.
  RemoveOnInterrupt(int dir_fd, const std::filesystem::path& name,
                    const std::filesystem::path& held_as);
  ~RemoveOnInterrupt() { release(); }
  RemoveOnInterrupt(const RemoveOnInterrupt&) = delete;
  RemoveOnInterrupt& operator=(const RemoveOnInterrupt&) = delete;
  // Until this is called, the handler waits (at most 2 s) for this thread before it ends the
  // process; call it right after the creating call, or right away for a path created later.
  void created();
  void release();

 private:
  std::filesystem::path path_;     // relative to dir_fd_
  std::filesystem::path held_as_;  // the key of held_by_this_process
  int dir_fd_;
  bool directory_ = false;
  int slot_ = -1;  // -1: every slot was taken; the file is then only cleaned by a later run
  bool held_ = false;
};

// Whether a live RemoveOnInterrupt of this process names `path`.
bool held_by_this_process(const std::filesystem::path& path);

}  // namespace kvonce

#include "kvonce/util/atomic_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvonce/util/error.hpp"

namespace kvonce {
namespace fs = std::filesystem;

namespace {

std::string errno_text() {
  return std::strerror(errno);
}

bool same_inode(const struct stat& a, const struct stat& b) {
  return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

fs::path temp_name_for(const fs::path& target) {
  std::random_device rd;
  auto name = "." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
              std::to_string(rd() & 0xffffff);
  return target.parent_path() / name;
}

bool all_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// `.NAME.tmp-PID-N` for this target's NAME, and nothing longer: `.a.tmp-x.tmp-1-2` belongs to
// the target `a.tmp-x`, not to `a`.
bool is_temporary_of(std::string_view name, std::string_view prefix) {
  if (name.substr(0, prefix.size()) != prefix) return false;
  const std::string_view rest = name.substr(prefix.size());
  const std::size_t dash = rest.find('-');
  return dash != std::string_view::npos && all_digits(rest.substr(0, dash)) &&
         all_digits(rest.substr(dash + 1));
}

// Removes `name` (in `dir`) when no writer holds its lock. Checked on the open file, then the
// name is checked to still be that file, so a temporary created meanwhile under the name is kept.
void remove_if_abandoned(int dir, const std::string& name, const fs::path& held_as) {
  if (held_by_this_process(held_as)) return;  // fcntl-style locks (NFS) do not exclude ourselves
  const int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return;
  struct stat by_fd = {};
  struct stat by_name = {};
  if (::fstat(fd, &by_fd) == 0 && S_ISREG(by_fd.st_mode) && ::flock(fd, LOCK_EX | LOCK_NB) == 0 &&
      ::fstatat(dir, name.c_str(), &by_name, AT_SYMLINK_NOFOLLOW) == 0 &&
      same_inode(by_fd, by_name)) {
    ::unlinkat(dir, name.c_str(), 0);
  }
  ::close(fd);
}

// The stale temporaries of `target` (a name) in the directory open as `dir`, shown as `shown`.
void remove_stale_temporaries(int dir, const std::string& target, const fs::path& shown) {
  const std::string prefix = "." + target + ".tmp-";
  const int listing = ::fcntl(dir, F_DUPFD_CLOEXEC, 0);
  DIR* entries = listing >= 0 ? ::fdopendir(listing) : nullptr;
  if (!entries) {
    if (listing >= 0) ::close(listing);
    return;
  }
  while (const dirent* entry = ::readdir(entries)) {
    const std::string name = entry->d_name;
    if (is_temporary_of(name, prefix)) remove_if_abandoned(dir, name, shown / name);
  }
  ::closedir(entries);
}

void remove_stale_temporaries(const fs::path& target) {
  const fs::path dir = target.parent_path().empty() ? fs::path(".") : target.parent_path();
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  remove_stale_temporaries(fd, target.filename().string(), target.parent_path());
  ::close(fd);
}

// Takes the writer's lock on a fresh temporary file. False when a cleanup of another run removed
// the file between its creation and the lock (then the caller takes another name). On a
// filesystem without locks the file stays unlocked, and no cleanup can ever prove it stale.
bool lock_fresh_temporary(int fd, int at, const fs::path& path) {
  if (::flock(fd, LOCK_EX) != 0) return true;
  struct stat by_fd = {};
  struct stat by_name = {};
  return ::fstat(fd, &by_fd) == 0 &&
         ::fstatat(at, path.c_str(), &by_name, AT_SYMLINK_NOFOLLOW) == 0 &&
         same_inode(by_fd, by_name);
}

}  // namespace

// Such a file belongs to whoever opened it (a shell's `>> log`): replacing it would lose what it
// held, so it is written through, appending.
bool names_open_descriptor(const fs::path& path) {
  fs::path p = path;
  for (int hops = 0; hops <= 40; ++hops) {
    if (p.string().rfind("/proc/", 0) == 0 && p.parent_path().filename() == "fd") return true;
    std::error_code ec;
    // /dev/fd/1 is a name in /proc/self/fd reached through the /dev/fd link: its own link
    // already names the open file, so the directory it lies in is what tells.
    const fs::path dir = fs::canonical(p.parent_path(), ec);
    if (!ec && dir.string().rfind("/proc/", 0) == 0 && dir.filename() == "fd") return true;
    if (!fs::is_symlink(fs::symlink_status(p, ec)) || ec) return false;
    const fs::path next = fs::read_symlink(p, ec);
    if (ec) return false;
    p = next.is_absolute() ? next : p.parent_path() / next;
  }
  return false;
}

fs::path follow_links(const fs::path& path) {
  fs::path p = path;
  for (int hops = 0; hops <= 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(p, ec)) || ec) return p;
    const fs::path next = fs::read_symlink(p, ec);
    if (ec) fail(ErrorKind::output, path.string() + ": cannot read the link: " + ec.message());
    p = next.is_absolute() ? next : p.parent_path() / next;
  }
  fail(ErrorKind::output, path.string() + ": too many levels of symbolic links");
}

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)), at_(AT_FDCWD) {
  open_path();
}

AtomicFile::AtomicFile(const OutputPath& target) : target_(target.path()), at_(AT_FDCWD) {
  if (target.dir()) {
    open_in_dir(*target.dir(), target.rel());
  } else {
    open_path();
  }
}

// A name the tool chose: only a regular file (or nothing) is replaced, and never through a link.
// The lstat-like look only words the refusal: the temporary file and the rename work on names in
// the directory's descriptor, which no link can redirect.
void AtomicFile::open_in_dir(const OutputDir& dir, const fs::path& rel) {
  dir_ = rel.has_parent_path() ? dir.sub(rel.parent_path()) : dir;
  at_ = dir_->fd();
  final_ = rel.filename();
  struct stat st {};
  if (::fstatat(at_, final_.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) fail_planted_link(target_);
    if (S_ISDIR(st.st_mode)) {
      fail(ErrorKind::output, target_.string() + ": is a directory, expected a file path");
    }
    if (!S_ISREG(st.st_mode)) {
      fail(ErrorKind::output, target_.string() +
                                  ": is not a regular file; kvonce-trace replaces only regular "
                                  "files in its output directories");
    }
  }
  remove_stale_temporaries(at_, final_.string(), dir_->path());
  open_temporary();
}

void AtomicFile::open_path() {
  if (target_ == "-") {
    mode_ = Mode::stdout_stream;
    file_ = stdout;
    return;
  }
  struct stat st {};
  const bool exists = ::stat(target_.c_str(), &st) == 0;
  if (exists) {
    if (S_ISDIR(st.st_mode)) {
      fail(ErrorKind::output, target_.string() + ": is a directory, expected a file path");
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode)) {
      open_through(false);
      return;
    }
    if (!S_ISREG(st.st_mode)) {
      fail(ErrorKind::output, target_.string() + ": is a " +
                                  (S_ISSOCK(st.st_mode) ? "socket" : "block device") +
                                  "; outputs are regular files, character devices, FIFOs or - "
                                  "(standard output)");
    }
  }
  if (exists && names_open_descriptor(target_)) {
    open_through(true);
    return;
  }
  final_ = follow_links(target_);
  struct stat at_final {};
  // A link that leads elsewhere than stat() went (a /proc/PID/fd link to a deleted file): the
  // file is only reachable through the link, so write through it.
  if (exists && (::stat(final_.c_str(), &at_final) != 0 || !same_inode(st, at_final))) {
    open_through(true);
    return;
  }
  remove_stale_temporaries(final_);
  open_temporary();
}

void AtomicFile::open_through(bool append) {
  mode_ = Mode::through;
  final_ = target_;
  const int fd = ::open(target_.c_str(), O_WRONLY | O_NOCTTY | O_CLOEXEC | (append ? O_APPEND : 0));
  if (fd < 0 || !(file_ = ::fdopen(fd, "wb"))) {
    if (fd >= 0) ::close(fd);
    fail(ErrorKind::output, target_.string() + ": cannot open for writing: " + errno_text());
  }
}

void AtomicFile::open_temporary() {
  for (int attempt = 0; attempt < 16; ++attempt) {
    temp_ = temp_name_for(final_);
    // Registered before the file exists, so that no signal can miss it.
    if (dir_) {
      cleanup_.emplace(at_, temp_, dir_->path() / temp_);
    } else {
      cleanup_.emplace(temp_);
    }
    const int fd =
        ::openat(at_, temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    const int open_errno = errno;
    cleanup_->created();
    if (fd < 0) cleanup_.reset();
    errno = open_errno;
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) fail(ErrorKind::output, target_.string() + ": cannot create file: " + errno_text());
    if (lock_fresh_temporary(fd, at_, temp_)) {
      file_ = ::fdopen(fd, "wb");
      if (!file_) {
        ::close(fd);
        ::unlinkat(at_, temp_.c_str(), 0);
        cleanup_.reset();
        fail(ErrorKind::output, target_.string() + ": cannot create file: " + errno_text());
      }
      // A large buffer keeps the write path cheap for multi-megabyte outputs.
      std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
      return;
    }
    ::close(fd);
    cleanup_.reset();
  }
  fail(ErrorKind::output, target_.string() + ": cannot create a temporary file beside it");
}

AtomicFile::~AtomicFile() {
  if (mode_ == Mode::stdout_stream || committed_) return;
  if (file_) std::fclose(file_);
  if (mode_ == Mode::replace) {
    ::unlinkat(at_, temp_.c_str(), 0);
    cleanup_.reset();
  }
}

void AtomicFile::write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    fail(ErrorKind::output, target_.string() + ": write failed: " + errno_text());
  }
}

bool AtomicFile::copy_from(int source, std::uint64_t bytes) {
  flush();  // what write() gathered goes first
  const int out = ::fileno(file_);
  off_t in_at = 0;
  bool kernel = true;
  char buf[64 * 1024];
  while (static_cast<std::uint64_t>(in_at) < bytes) {
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(bytes - static_cast<std::uint64_t>(in_at), 1u << 30));
    ssize_t got = -1;
    if (kernel) {
      got = ::copy_file_range(source, &in_at, out, nullptr, want, 0);
      // Another filesystem, or a kernel without the call: the bytes pass through here instead.
      if (got < 0 &&
          (errno == EXDEV || errno == ENOSYS || errno == EINVAL || errno == EOPNOTSUPP)) {
        kernel = false;
        continue;
      }
    } else {
      got = ::pread(source, buf, std::min(want, sizeof buf), in_at);
      if (got > 0) {
        for (ssize_t done = 0; done < got;) {
          const ssize_t w = ::write(out, buf + done, static_cast<std::size_t>(got - done));
          if (w < 0 && errno == EINTR) continue;
          if (w < 0) fail(ErrorKind::output, target_.string() + ": write failed: " + errno_text());
          done += w;
        }
        in_at += got;
      }
    }
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail(ErrorKind::output, target_.string() + ": copy failed: " + errno_text());
    if (got == 0) return false;  // the source ended early
  }
  return true;
}

void AtomicFile::flush() {
  if (file_ && std::fflush(file_) != 0) {
    fail(ErrorKind::output, target_.string() + ": write failed: " + errno_text());
  }
}

int AtomicFile::open_reader() const {
  if (mode_ != Mode::replace || !file_) return -1;
  const int fd = ::openat(at_, temp_.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  // Only the very file this writer holds (nothing put in its place since): the new descriptor
  // then reads it wherever a rename puts it.
  struct stat mine {
  }, theirs{};
  if (::fstat(::fileno(file_), &mine) != 0 || ::fstat(fd, &theirs) != 0 ||
      mine.st_dev != theirs.st_dev || mine.st_ino != theirs.st_ino) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void AtomicFile::commit() {
  if (mode_ == Mode::stdout_stream) {
    if (std::fflush(stdout) != 0) fail(ErrorKind::output, "stdout: write failed: " + errno_text());
    committed_ = true;
    return;
  }
  if (mode_ == Mode::through) return commit_through();
  commit_replace();
}

void AtomicFile::commit_through() {
  std::FILE* f = file_;
  file_ = nullptr;
  committed_ = true;
  const bool flushed = std::fflush(f) == 0 && !std::ferror(f);
  const int saved = errno;
  if (std::fclose(f) != 0 || !flushed) {
    if (!flushed) errno = saved;
    fail(ErrorKind::output, target_.string() + ": write failed: " + errno_text());
  }
}

void AtomicFile::commit_replace() {
  std::FILE* f = file_;
  file_ = nullptr;
  // The lock lives on in `held` until the rename, so no cleanup takes the finished file; the
  // fclose() reports the write errors some filesystems (NFS) only give at close.
  const int held = ::dup(::fileno(f));
  const auto fail_removing = [&](const std::string& what) {
    const std::string reason = errno_text();
    if (held >= 0) ::close(held);
    ::unlinkat(at_, temp_.c_str(), 0);
    cleanup_.reset();
    committed_ = true;  // nothing left for the destructor
    fail(ErrorKind::output, target_.string() + ": " + what + ": " + reason);
  };
  if (std::fflush(f) != 0 || std::ferror(f)) {
    const int saved = errno;
    std::fclose(f);
    errno = saved;
    fail_removing("write failed");
  }
  if (std::fclose(f) != 0) fail_removing("close failed");
  if (::renameat(at_, temp_.c_str(), at_, final_.c_str()) != 0) {
    fail_removing("cannot move into place");
  }
  if (held >= 0) ::close(held);
  cleanup_.reset();
  committed_ = true;
}

void write_file_atomically(const fs::path& target, std::string_view bytes) {
  AtomicFile file(target);
  file.write(bytes);
  file.commit();
}

void write_file_atomically(const OutputPath& target, std::string_view bytes) {
  AtomicFile file(target);
  file.write(bytes);
  file.commit();
}

void ensure_directory(const fs::path& dir) {
  if (dir.empty()) return;
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    fail(ErrorKind::output, dir.string() + ": cannot create directory: " +
                                (ec ? ec.message() : std::string("a file is in the way")));
  }
}

}  // namespace kvonce

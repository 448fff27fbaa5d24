#include "kvonce/util/output_dir.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kvonce/util/error.hpp"

namespace kvonce {
namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_openat2{true};  // false once refused, or when tests ask for the fallback
std::atomic<DirOpening> g_last{DirOpening::openat2};

constexpr const char* kNoLinks =
    "kvonce-trace writes no file through a link inside its output directories (remove the link, "
    "or name a path outside the working directory)";

// One directory below `dir` without following a link, through openat2 while the kernel allows it.
int open_below(int dir, const char* rel) {
  if (g_openat2.load()) {
    open_how how{};
    how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const long fd = ::syscall(SYS_openat2, dir, rel, &how, sizeof how);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) {
      g_last.store(DirOpening::openat2);
      return static_cast<int>(fd);
    }
    g_openat2.store(false);  // an old kernel, or a seccomp filter: the same answer every time
  }
  g_last.store(DirOpening::per_component);
  return ::openat(dir, rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

// Why `name` in `dir` could not be entered, said of `shown`. Asked after the open failed, only to
// word the message.
[[noreturn]] void fail_entering(int dir, const std::string& name, const fs::path& shown,
                                int open_errno) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) {
      fail_planted_link(shown);
    }
    if (!S_ISDIR(st.st_mode)) {
      fail(ErrorKind::output, shown.string() + ": cannot create directory: a file is in the way");
    }
  }
  fail(ErrorKind::output,
       shown.string() + ": cannot open the directory: " + std::strerror(open_errno));
}

// `rel` below `root`, one component at a time (each entered without a link), creating what is
// missing when `create`; -1 when !create and a component does not exist.
int walk(int root, const fs::path& rel, fs::path shown, bool create) {
  // The whole path in one call when it exists (the common case); the walk below creates what is
  // missing and names the component that is refused.
  if (g_openat2.load() && rel.is_relative() && !rel.empty()) {
    const int whole = open_below(root, rel.c_str());
    if (whole >= 0) return whole;
  }
  int current = ::fcntl(root, F_DUPFD_CLOEXEC, 0);
  if (current < 0) {
    fail(ErrorKind::output,
         shown.string() + ": cannot open the directory: " + std::strerror(errno));
  }
  for (const fs::path& part : rel) {
    const std::string name = part.string();
    if (name.empty() || name == ".") continue;
    shown /= part;
    if (name == "..") {
      ::close(current);
      fail(ErrorKind::output, shown.string() + ": '..' leaves the output directory");
    }
    int next = open_below(current, name.c_str());
    if (next < 0 && errno == ENOENT) {
      if (!create) {
        ::close(current);
        return -1;
      }
      if (::mkdirat(current, name.c_str(), 0777) != 0 && errno != EEXIST) {
        const int e = errno;
        ::close(current);
        fail(ErrorKind::output, shown.string() + ": cannot create directory: " + std::strerror(e));
      }
      next = open_below(current, name.c_str());
    }
    if (next < 0) {
      const int e = errno;
      try {
        fail_entering(current, name, shown, e);
      } catch (...) {
        ::close(current);
        throw;
      }
    }
    ::close(current);
    current = next;
  }
  return current;
}

bool leaves(const fs::path& rel) {
  return rel.empty() || *rel.begin() == "..";
}

}  // namespace

OutputDir::Fd::~Fd() {
  if (fd >= 0) ::close(fd);
}

OutputDir::OutputDir(int fd, fs::path path)
    : fd_(std::make_shared<const Fd>(fd)), path_(std::move(path)) {}

OutputDir OutputDir::as_named(const fs::path& path) {
  const fs::path dir = path.empty() ? fs::path(".") : path;
  std::error_code ec;
  fs::create_directories(dir, ec);
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    fail(ErrorKind::output, dir.string() + ": cannot create directory: " +
                                (ec ? ec.message() : std::string(std::strerror(errno))));
  }
  return OutputDir(fd, path);
}

OutputDir OutputDir::tree(const fs::path& path) {
  const fs::path normal = path.lexically_normal();
  fs::path inside;  // the part within the working directory
  if (normal.is_relative()) {
    inside = normal;
  } else {
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    if (!ec) inside = normal.lexically_relative(cwd);
  }
  if (leaves(inside)) return as_named(path);
  const int cwd = ::open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cwd < 0) {
    fail(ErrorKind::output,
         "the working directory cannot be opened: " + std::string(std::strerror(errno)));
  }
  const OutputDir root(cwd, fs::path());
  OutputDir out = root.sub(inside);
  out.path_ = path;
  return out;
}

OutputDir OutputDir::sub(const fs::path& rel) const {
  return OutputDir(walk(fd(), rel, path_, true), path_ / rel);
}

std::optional<OutputDir> OutputDir::existing_sub(const fs::path& rel) const {
  const int fd = walk(this->fd(), rel, path_, false);
  if (fd < 0) return std::nullopt;
  return OutputDir(fd, path_ / rel);
}

fs::path OutputDir::relative(const fs::path& path) const {
  const fs::path rel = path.lexically_normal().lexically_relative(path_.lexically_normal());
  if (leaves(rel) || rel == ".") {
    fail(ErrorKind::internal, path.string() + " does not lie in " + path_.string());
  }
  return rel;
}

OutputPath::OutputPath(fs::path user_path) : path_(std::move(user_path)) {}

OutputPath::OutputPath(OutputDir dir, fs::path rel)
    : path_(dir.path() / rel), dir_(std::move(dir)), rel_(std::move(rel)) {}

OutputPath OutputPath::sibling(const std::string& name) const {
  if (!dir_) return OutputPath(OutputDir::as_named(path_.parent_path()), name);
  return OutputPath(*dir_, rel_.parent_path() / name);
}

namespace {

// The directory of a name the tool chose, and the name in it.
std::pair<OutputDir, std::string> split(const OutputPath& path) {
  const fs::path& rel = path.rel();
  return {rel.has_parent_path() ? path.dir()->sub(rel.parent_path()) : *path.dir(),
          rel.filename().string()};
}

}  // namespace

void move_into_place(const OutputPath& from, const OutputPath& to) {
  if (!to.dir() || !from.dir()) {
    std::error_code ec;
    fs::rename(from.path(), to.path(), ec);
    if (ec)
      fail(ErrorKind::output, to.path().string() + ": cannot move into place: " + ec.message());
    return;
  }
  const auto [dir, name] = split(to);
  const auto [from_dir, from_name] = split(from);
  struct stat st {};
  if (::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
    fail_planted_link(to.path());
  }
  if (::renameat(from_dir.fd(), from_name.c_str(), dir.fd(), name.c_str()) != 0) {
    fail(ErrorKind::output,
         to.path().string() + ": cannot move into place: " + std::strerror(errno));
  }
}

void remove_output(const OutputPath& path) noexcept {
  try {
    if (!path.dir()) {
      std::error_code ec;
      fs::remove(path.path(), ec);
      return;
    }
    const fs::path& rel = path.rel();
    const std::optional<OutputDir> dir =
        rel.has_parent_path() ? path.dir()->existing_sub(rel.parent_path()) : path.dir();
    if (dir) ::unlinkat(dir->fd(), rel.filename().c_str(), 0);
  } catch (const Error&) {
    // A directory of its path is a link or is gone: nothing of ours is there to remove.
  }
}

void fail_planted_link(const fs::path& shown) {
  fail(ErrorKind::output, shown.string() + ": is a symbolic link; " + kNoLinks);
}

void set_dir_opening(DirOpening how) {
  g_openat2.store(how == DirOpening::openat2);
}

DirOpening last_dir_opening() {
  return g_last.load();
}

}  // namespace kvonce

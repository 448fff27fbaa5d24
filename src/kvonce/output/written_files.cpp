#include "kvonce/output/written_files.hpp"

#include <map>
#include <mutex>

#include <sys/stat.h>

namespace kvonce::output {
namespace {

struct Identity {
  dev_t device;
  ino_t inode;
  auto operator<=>(const Identity&) const = default;
};

struct Written {
  off_t size;
  struct timespec modified;
  std::string sha256;
};

bool same_time(const struct timespec& a, const struct timespec& b) {
  return a.tv_sec == b.tv_sec && a.tv_nsec == b.tv_nsec;
}

std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

std::map<Identity, Written>& registry() {
  static std::map<Identity, Written> files;  // a few files per run: no hashing of names
  return files;
}

}  // namespace

void remember_written(int fd, const std::string& sha256) {
  struct stat st = {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return;
  const std::lock_guard lock(registry_mutex());
  registry()[Identity{st.st_dev, st.st_ino}] = Written{st.st_size, st.st_mtim, sha256};
}

std::optional<std::string> written_digest(const std::filesystem::path& path) {
  struct stat st = {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  const std::lock_guard lock(registry_mutex());
  const auto it = registry().find(Identity{st.st_dev, st.st_ino});
  if (it == registry().end() || it->second.size != st.st_size ||
      !same_time(it->second.modified, st.st_mtim)) {
    return std::nullopt;
  }
  return it->second.sha256;
}

}  // namespace kvonce::output

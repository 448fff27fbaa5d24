#include "kvonce/util/file_roles.hpp"

#include <optional>

#include <sys/stat.h>

#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce {
namespace fs = std::filesystem;
namespace {

// What makes a regular file itself: device and inode when it exists, else where it will be
// created. Nothing for what is written through or is no file at all.
struct Identity {
  dev_t dev = 0;
  ino_t ino = 0;
  std::string planned;  // the canonical path of a file not created yet

  bool operator==(const Identity& o) const {
    return planned.empty() ? o.planned.empty() && dev == o.dev && ino == o.ino
                           : planned == o.planned;
  }
};

std::optional<Identity> identity_of(const fs::path& path) {
  if (path.empty() || path == "-") return std::nullopt;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (!S_ISREG(st.st_mode)) return std::nullopt;
    return Identity{st.st_dev, st.st_ino, {}};
  }
  std::error_code ec;
  const fs::path final = fs::weakly_canonical(fs::absolute(follow_links(path), ec), ec);
  if (ec) return std::nullopt;
  return Identity{0, 0, final.string()};
}

}  // namespace

FileRoles& FileRoles::input(const fs::path& path, std::string option) {
  inputs_.push_back({path, std::move(option)});
  return *this;
}

FileRoles& FileRoles::output(const fs::path& path, std::string option) {
  outputs_.push_back({path, std::move(option)});
  return *this;
}

bool FileRoles::same_file(const fs::path& a, const fs::path& b) {
  const auto x = identity_of(a), y = identity_of(b);
  return x && y && *x == *y;
}

void FileRoles::check() const {
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    const Entry& out = outputs_[i];
    if (names_open_descriptor(out.path)) continue;  // appended to, never replaced
    for (const Entry& in : inputs_) {
      if (same_file(out.path, in.path)) {
        fail(ErrorKind::usage, out.option + " " + out.path.string() + " is the input " + in.option +
                                   " " + in.path.string() +
                                   ": writing it would destroy the input; name another file");
      }
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (!names_open_descriptor(outputs_[j].path) && same_file(out.path, outputs_[j].path)) {
        fail(ErrorKind::usage, out.option + " " + out.path.string() + " and " + outputs_[j].option +
                                   " " + outputs_[j].path.string() +
                                   " are the same file: one output would replace the other; "
                                   "name two files");
      }
    }
  }
}

}  // namespace kvonce

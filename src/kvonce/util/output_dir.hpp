// Output directories entered without following links, and the files the tool names in them.
//
// The tool writes two kinds of file. A path the user names on the command line (`prepare -o`,
// `fetch --target`, `report --pr-comment`, ...) is the user's: its links are followed as a shell
// redirection would follow them (atomic_file.hpp). A file the tool names itself inside an output
// directory (the trace directory, verify's -d, otlp/, ndjson/, projected/, payload/, the payload
// metadata, the PR comment, temporary files) is not: a pull request can commit a link at any of
// those names, so none is written through a link and no directory below an output directory is
// entered through one. An output directory itself (`run`'s trace directory, by default or as
// --trace-dir names it, verify's -d) may not be reached through a link either for the part of
// its path inside the working directory, where the checkout lives; a part outside it (an
// absolute path elsewhere, or one that starts with `..`) is the user's, and followed.
//
// Directories are opened with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS) below the directory
// already open, or, where that call is missing (ENOSYS, kernels before 5.6) or refused (EPERM, a
// seccomp filter), one component at a time with O_NOFOLLOW | O_DIRECTORY. Nothing is checked
// before it is opened: the open itself refuses the link, and Error(output) names it (exit 6).
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace kvonce {

class OutputDir {
 public:
  // The output directory `path`, created when missing; no link within the working directory.
  static OutputDir tree(const std::filesystem::path& path);
  // A directory as the user named it (the directory of `fetch --target FILE`), links followed,
  // created when missing.
  static OutputDir as_named(const std::filesystem::path& path);

  // `rel` below this directory ('/'-separated, no `..`), entered without any link, its missing
  // directories created.
  OutputDir sub(const std::filesystem::path& rel) const;
  // The same without creating anything: nullopt when a component does not exist.
  std::optional<OutputDir> existing_sub(const std::filesystem::path& rel) const;

  int fd() const { return fd_->fd; }
  // The directory as the user would name it, for messages and for reading back.
  const std::filesystem::path& path() const { return path_; }

  // `path`, which lies under path(), as a name relative to this directory: Error(internal) when
  // it does not lie under it.
  std::filesystem::path relative(const std::filesystem::path& path) const;

 private:
  struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    ~Fd();
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
  };
  OutputDir(int fd, std::filesystem::path path);
  std::shared_ptr<const Fd> fd_;
  std::filesystem::path path_;
};

// Where one output file goes: a path the user named (links followed, devices written through),
// or a name the tool chose inside an OutputDir (never through a link; only a regular file or
// nothing is replaced).
class OutputPath {
 public:
  OutputPath(std::filesystem::path user_path);  // NOLINT: every path the user names converts
  OutputPath(OutputDir dir, std::filesystem::path rel);

  // As shown in messages, and where the file can be read back.
  const std::filesystem::path& path() const { return path_; }
  // The directory and the name within it, for a name the tool chose.
  const std::optional<OutputDir>& dir() const { return dir_; }
  const std::filesystem::path& rel() const { return rel_; }
  // Another file of the same directory, a name the tool chose (a temporary archive beside a
  // payload): never written through a link, even beside a path the user named.
  OutputPath sibling(const std::string& name) const;

 private:
  std::filesystem::path path_;
  std::optional<OutputDir> dir_;
  std::filesystem::path rel_;
};

// Moves `from` onto `to`: two paths the user named, or two names the tool chose in one directory
// (then `to` may not be a link). Error(output) naming `to` when that fails.
void move_into_place(const OutputPath& from, const OutputPath& to);
// Removes the file `path` names (a name the tool chose: within its directory, never through a
// link); what is not there is no error.
void remove_output(const OutputPath& path) noexcept;

// Error(output): `shown` is a link where the tool names a file or directory of its own.
[[noreturn]] void fail_planted_link(const std::filesystem::path& shown);

// How directories are opened. Tests select per_component to exercise the fallback that a kernel
// without openat2, or a seccomp filter refusing it, leads to.
enum class DirOpening { openat2, per_component };
void set_dir_opening(DirOpening how);
// What the last directory opened by this process used (openat2 falls back once refused).
DirOpening last_dir_opening();

}  // namespace kvonce

// The files one command reads and writes, declared before it writes any, so that no output
// destroys an input or another output: `prepare -i p.json -o p.json` would replace the payload
// with its events, `--stats X -o X` one output with the other.
//
// Files are compared as the filesystem sees them: an existing file by device and inode (so a
// symbolic or hard link to it is the same file), a file not yet created by its path once links
// are followed and the directory made canonical. "-", character devices and FIFOs are written
// through, not replaced (atomic_file.hpp), and may be named any number of times.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace kvonce {

class FileRoles {
 public:
  // `option` names the file for the user: "--input", "--stats", "INPUT".
  FileRoles& input(const std::filesystem::path& path, std::string option);
  FileRoles& output(const std::filesystem::path& path, std::string option);

  // Error(usage) naming both options when an output is the same regular file as an input or as
  // another output.
  void check() const;

  // Whether both paths name the same regular file (existing or to be created).
  static bool same_file(const std::filesystem::path& a, const std::filesystem::path& b);

 private:
  struct Entry {
    std::filesystem::path path;
    std::string option;
  };
  std::vector<Entry> inputs_, outputs_;
};

}  // namespace kvonce

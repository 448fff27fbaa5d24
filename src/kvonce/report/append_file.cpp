#include "kvonce/report/append_file.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

#include "kvonce/util/error.hpp"

namespace kvonce::report {
namespace {

namespace fs = std::filesystem;

// Undoes a partial append on a regular file; anything else (a pipe, a device) cannot be undone.
void roll_back(const fs::path& path, bool existed, std::uintmax_t size) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return;
  if (existed)
    fs::resize_file(path, size, ec);
  else
    fs::remove(path, ec);
}

}  // namespace

void append_to_file(const fs::path& path, std::string_view text) {
  if (path == "-") {
    if (std::fwrite(text.data(), 1, text.size(), stdout) != text.size() || std::fflush(stdout)) {
      fail(ErrorKind::output, "standard output: write failed");
    }
    return;
  }
  std::error_code ec;
  const bool existed = fs::exists(path, ec);
  std::uintmax_t size = 0;
  if (existed && fs::is_regular_file(path, ec)) size = fs::file_size(path, ec);
  std::FILE* file = std::fopen(path.c_str(), "ab");
  if (!file) {
    fail(ErrorKind::output, path.string() + ": cannot open for appending: " + std::strerror(errno));
  }
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  const bool flushed = std::fflush(file) == 0;
  const int error = errno;
  const bool closed = std::fclose(file) == 0;
  if (!written || !flushed || !closed) {
    roll_back(path, existed, size);
    fail(ErrorKind::output, path.string() + ": append failed: " + std::strerror(error));
  }
}

}  // namespace kvonce::report

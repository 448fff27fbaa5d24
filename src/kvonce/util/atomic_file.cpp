#include "kvonce/util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <random>

#include <unistd.h>

#include "kvonce/util/error.hpp"

namespace kvonce {
namespace fs = std::filesystem;

namespace {

std::string errno_text() {
  return std::strerror(errno);
}

fs::path temp_name_for(const fs::path& target) {
  std::random_device rd;
  auto name = "." + target.filename().string() + ".tmp-" + std::to_string(::getpid()) + "-" +
              std::to_string(rd() & 0xffffff);
  return target.parent_path() / name;
}

}  // namespace

AtomicFile::AtomicFile(fs::path target) : target_(std::move(target)) {
  if (target_ == "-") {
    to_stdout_ = true;
    file_ = stdout;
    return;
  }
  std::error_code ec;
  if (fs::is_directory(target_, ec)) {
    fail(ErrorKind::output, target_.string() + ": is a directory, expected a file path");
  }
  temp_ = temp_name_for(target_);
  file_ = std::fopen(temp_.c_str(), "wbx");
  if (!file_) fail(ErrorKind::output, target_.string() + ": cannot create file: " + errno_text());
  // A large buffer keeps the write path cheap for multi-megabyte outputs.
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

AtomicFile::~AtomicFile() {
  if (to_stdout_ || committed_) return;
  if (file_) std::fclose(file_);
  std::error_code ec;
  fs::remove(temp_, ec);
}

void AtomicFile::write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    fail(ErrorKind::output, target_.string() + ": write failed: " + errno_text());
  }
}

void AtomicFile::commit() {
  if (to_stdout_) {
    if (std::fflush(stdout) != 0) fail(ErrorKind::output, "stdout: write failed: " + errno_text());
    committed_ = true;
    return;
  }
  std::FILE* f = file_;
  file_ = nullptr;
  if (std::fflush(f) != 0 || std::ferror(f)) {
    std::fclose(f);
    fail(ErrorKind::output, target_.string() + ": write failed: " + errno_text());
  }
  if (std::fclose(f) != 0)
    fail(ErrorKind::output, target_.string() + ": close failed: " + errno_text());
  if (std::rename(temp_.c_str(), target_.c_str()) != 0) {
    fail(ErrorKind::output, target_.string() + ": cannot move into place: " + errno_text());
  }
  committed_ = true;
}

void write_file_atomically(const fs::path& target, std::string_view bytes) {
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

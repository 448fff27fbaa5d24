#include "kvonce/batch/results_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvonce/util/error.hpp"

namespace kvonce::batch {
namespace fs = std::filesystem;

ResultsFile read_results(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorKind::input, path.string() + ": cannot read the results file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) fail(ErrorKind::input, path.string() + ": cannot read the results file");
  const std::string all = text.str();

  ResultsFile out;
  std::size_t pos = 0;
  std::uint64_t line_no = 0;
  while (pos < all.size()) {
    const std::size_t nl = all.find('\n', pos);
    if (nl == std::string::npos) {  // an interrupted write; the payload simply runs again
      out.torn_tail = true;
      break;
    }
    ++line_no;
    const std::string_view line(all.data() + pos, nl - pos);
    pos = nl + 1;
    out.complete_bytes = pos;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    try {
      out.results.push_back(parse_result_line(line));
    } catch (const Error& e) {
      fail(ErrorKind::input, path.string() + ":" + std::to_string(line_no) + ": " + e.what());
    }
  }
  return out;
}

namespace {

[[noreturn]] void fail_open(const fs::path& path, int fd, const std::string& what) {
  const std::string reason = std::strerror(errno);
  if (fd >= 0) ::close(fd);
  fail(ErrorKind::output, path.string() + ": " + what + ": " + reason);
}

// Takes the writer's lock, polling until `wait` is over. A filesystem without locks (ENOLCK,
// EOPNOTSUPP) is written unlocked rather than not at all.
void lock_or_refuse(const fs::path& path, int fd, std::chrono::milliseconds wait) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      char waited[32];
      std::snprintf(waited, sizeof waited, "%.1f", std::chrono::duration<double>(wait).count());
      fail(ErrorKind::output,
           path.string() + ": another kvonce-trace batch is writing this results file (it holds " +
               "its lock; waited " + waited +
               " s); give each batch its own --results file, or let the other one finish");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Cuts the file after its last newline: a torn line left by a killed writer would otherwise
// run into the next line appended.
// The length up to the end of the last complete line of the file open as `fd`.
off_t complete_length(const fs::path& path, int fd, off_t size) {
  const int reader = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (reader < 0) fail_open(path, fd, "cannot read the results file");
  char buf[4096];
  for (off_t end = size; end > 0;) {
    const off_t start = end > static_cast<off_t>(sizeof buf) ? end - sizeof buf : 0;
    const ssize_t n = ::pread(reader, buf, static_cast<std::size_t>(end - start), start);
    if (n != end - start) {
      ::close(reader);
      fail_open(path, fd, "cannot read the results file");
    }
    for (ssize_t i = n - 1; i >= 0; --i) {
      if (buf[i] == '\n') {
        ::close(reader);
        return start + i + 1;
      }
    }
    end = start;
  }
  ::close(reader);
  return 0;
}

// Cuts the file after its last newline: a torn line left by a killed writer would otherwise
// run into the next line appended.
void cut_torn_tail(const fs::path& path, int fd, off_t size) {
  const off_t keep = complete_length(path, fd, size);
  if (keep != size && ::ftruncate(fd, keep) != 0) {
    fail_open(path, fd, "cannot trim the results file");
  }
}

}  // namespace

ResultsWriter::ResultsWriter(fs::path path, std::chrono::milliseconds lock_wait)
    : path_(std::move(path)) {
  const int fd = ::open(path_.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) fail_open(path_, fd, "cannot open the results file");
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail_open(path_, fd, "cannot open the results file");
  if (S_ISREG(st.st_mode)) {  // a FIFO or /dev/stdout is written through, as it comes
    lock_or_refuse(path_, fd, lock_wait);
    if (::fstat(fd, &st) != 0) fail_open(path_, fd, "cannot read the results file");
    cut_torn_tail(path_, fd, st.st_size);
  }
  file_ = ::fdopen(fd, "ab");
  if (!file_) fail_open(path_, fd, "cannot open the results file");
}

ResultsWriter::~ResultsWriter() {
  if (file_) std::fclose(file_);
}

void ResultsWriter::append(const PayloadResult& result) {
  const std::string line = to_json_line(result);
  std::lock_guard<std::mutex> lock(mutex_);
  if (!file_) fail(ErrorKind::internal, path_.string() + ": results file already closed");
  if (std::fwrite(line.data(), 1, line.size(), file_) != line.size() || std::fflush(file_) != 0) {
    fail(ErrorKind::output,
         path_.string() + ": cannot write the results file: " + std::strerror(errno));
  }
}

void ResultsWriter::close() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!file_) return;
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) {
    fail(ErrorKind::output,
         path_.string() + ": cannot close the results file: " + std::strerror(errno));
  }
}

}  // namespace kvonce::batch

#include "kvonce/batch/results_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

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

ResultsWriter::ResultsWriter(fs::path path, std::optional<std::uint64_t> append_at)
    : path_(std::move(path)) {
  if (append_at) {
    std::error_code ec;
    if (fs::exists(path_, ec)) fs::resize_file(path_, *append_at, ec);
    if (ec)
      fail(ErrorKind::output, path_.string() + ": cannot trim the results file: " + ec.message());
  }
  file_ = std::fopen(path_.c_str(), append_at ? "ab" : "wb");
  if (!file_) {
    fail(ErrorKind::output,
         path_.string() + ": cannot open the results file: " + std::strerror(errno));
  }
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

#include "kvonce/io/byte_source.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "kvonce/io/compression.hpp"
#include "kvonce/io/prefetch_source.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::io {
namespace {

class FileSource final : public ByteSource {
 public:
  explicit FileSource(const std::string& path) : name_(path == "-" ? "<stdin>" : path) {
    if (path == "-") {
      fd_ = 0;
      return;
    }
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) fail(ErrorKind::input, path + ": cannot open: " + std::strerror(errno));
    owns_ = true;
  }
  ~FileSource() override {
    if (owns_) ::close(fd_);
  }
  std::size_t read(char* buf, std::size_t size) override {
    for (;;) {
      const ssize_t n = ::read(fd_, buf, size);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      fail(ErrorKind::input, name_ + ": read failed: " + std::strerror(errno));
    }
  }
  const std::string& name() const override { return name_; }

 private:
  std::string name_;
  int fd_ = -1;
  bool owns_ = false;
};

class MemorySource final : public ByteSource {
 public:
  MemorySource(std::string bytes, std::string name)
      : bytes_(std::move(bytes)), name_(std::move(name)) {}
  std::size_t read(char* buf, std::size_t size) override {
    const std::size_t n = std::min(size, bytes_.size() - pos_);
    std::memcpy(buf, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string bytes_;
  std::string name_;
  std::size_t pos_ = 0;
};

// Serves a prefix that was read ahead, then the rest of the source; with `counted`, adds the bytes
// read from the source after the prefix to it.
class ReplaySource final : public ByteSource {
 public:
  ReplaySource(std::unique_ptr<ByteSource> inner, std::string prefix,
               std::uint64_t* counted = nullptr)
      : inner_(std::move(inner)), prefix_(std::move(prefix)), counted_(counted) {}
  std::size_t read(char* buf, std::size_t size) override {
    if (pos_ < prefix_.size()) {
      const std::size_t n = std::min(size, prefix_.size() - pos_);
      std::memcpy(buf, prefix_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    const std::size_t n = inner_->read(buf, size);
    if (counted_ != nullptr) *counted_ += n;
    return n;
  }
  const std::string& name() const override { return inner_->name(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  std::string prefix_;
  std::size_t pos_ = 0;
  std::uint64_t* counted_;
};

// Counts the bytes a plain (not gzip) payload hands to the reader.
class CountingSource final : public ByteSource {
 public:
  CountingSource(std::unique_ptr<ByteSource> inner, InputInfo& info)
      : inner_(std::move(inner)), info_(info) {}
  std::size_t read(char* buf, std::size_t size) override {
    const std::size_t n = inner_->read(buf, size);
    info_.decompressed_bytes += n;
    return n;
  }
  const std::string& name() const override { return inner_->name(); }

 private:
  std::unique_ptr<ByteSource> inner_;
  InputInfo& info_;
};

}  // namespace

std::unique_ptr<ByteSource> open_file(const std::string& path) {
  return std::make_unique<FileSource>(path);
}

std::unique_ptr<ByteSource> from_memory(std::string bytes, std::string name) {
  return std::make_unique<MemorySource>(std::move(bytes), std::move(name));
}

std::string peek_prefix(std::unique_ptr<ByteSource>& source, std::size_t size) {
  std::string prefix(size, '\0');
  std::size_t have = 0;
  while (have < size) {
    const std::size_t n = source->read(prefix.data() + have, size - have);
    if (n == 0) break;
    have += n;
  }
  prefix.resize(have);
  source = std::make_unique<ReplaySource>(std::move(source), prefix);
  return prefix;
}

std::unique_ptr<ByteSource> replay(std::string prefix, std::unique_ptr<ByteSource> source) {
  return std::make_unique<ReplaySource>(std::move(source), std::move(prefix));
}

std::unique_ptr<ByteSource> open_payload(std::unique_ptr<ByteSource> raw, const ReadLimits& limits,
                                         InputInfo& info) {
  // Read until the magic bytes are known (a pipe may deliver one byte at a time).
  std::string prefix(kCompressionMagicBytes, '\0');
  std::size_t have = 0;
  while (have < prefix.size()) {
    const std::size_t n = raw->read(prefix.data() + have, prefix.size() - have);
    if (n == 0) break;
    have += n;
  }
  prefix.resize(have);
  info.compression = sniff_compression(prefix);
  info.gzip = info.compression == Compression::gzip;
  info.raw_bytes += prefix.size();
  auto sniffed = std::make_unique<ReplaySource>(std::move(raw), std::move(prefix), &info.raw_bytes);
  // Decompress on a second thread: it overlaps with parsing instead of adding to it.
  if (const Decompressor decompress = row_of(info.compression).decompress) {
    return make_prefetch_source(decompress(std::move(sniffed), limits, info));
  }
  return std::make_unique<CountingSource>(std::move(sniffed), info);
}

}  // namespace kvonce::io

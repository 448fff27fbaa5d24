// The benchmark kit's own gzip writer: the core only inflates streams (and deflates small
// buffers in one go), but a generated payload can be a gigabyte, so it is deflated as it goes.
#include "payload_sink.hpp"

#include <vector>

#include <zlib.h>

#include "kvonce/io/zstd_source.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::bench {
namespace {

class FileSink final : public ByteSink {
 public:
  explicit FileSink(const std::string& path) : file_(path) {}
  void write(std::string_view bytes) override { file_.write(bytes); }
  void finish() override { file_.commit(); }

 private:
  AtomicFile file_;
};

class GzipSink final : public ByteSink {
 public:
  GzipSink(std::unique_ptr<ByteSink> out, int level) : out_(std::move(out)), buf_(1 << 18) {
    constexpr int kGzipWrapper = 16 + MAX_WBITS;
    if (deflateInit2(&z_, level, Z_DEFLATED, kGzipWrapper, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
      fail(ErrorKind::internal, "zlib deflate init failed");
    }
  }
  ~GzipSink() override { deflateEnd(&z_); }

  void write(std::string_view bytes) override {
    // zlib counts in uInt; feed large writes in slices.
    while (!bytes.empty()) {
      const std::size_t n = std::min<std::size_t>(bytes.size(), 1u << 30);
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
      z_.avail_in = static_cast<uInt>(n);
      pump(Z_NO_FLUSH);
      bytes.remove_prefix(n);
    }
  }

  void finish() override {
    z_.next_in = nullptr;
    z_.avail_in = 0;
    pump(Z_FINISH);
    out_->finish();
  }

 private:
  // Deflates until zlib has taken all input (or, on Z_FINISH, written the trailer).
  void pump(int flush) {
    for (;;) {
      z_.next_out = reinterpret_cast<Bytef*>(buf_.data());
      z_.avail_out = static_cast<uInt>(buf_.size());
      const int rc = deflate(&z_, flush);
      if (rc == Z_STREAM_ERROR) fail(ErrorKind::internal, "zlib deflate failed");
      out_->write(std::string_view(buf_.data(), buf_.size() - z_.avail_out));
      if (flush == Z_FINISH ? rc == Z_STREAM_END : z_.avail_in == 0 && z_.avail_out != 0) return;
    }
  }

  std::unique_ptr<ByteSink> out_;
  std::vector<char> buf_;
  z_stream z_{};
};

}  // namespace

std::unique_ptr<ByteSink> file_sink(const std::string& path) {
  return std::make_unique<FileSink>(path);
}

namespace {

class ZstdSink final : public ByteSink {
 public:
  ZstdSink(std::unique_ptr<ByteSink> out, int level) : out_(std::move(out)), level_(level) {}
  void write(std::string_view bytes) override {
    if (!bytes.empty()) out_->write(io::zstd_compress(bytes, level_));
  }
  void finish() override { out_->finish(); }

 private:
  std::unique_ptr<ByteSink> out_;
  int level_;
};

}  // namespace

std::unique_ptr<ByteSink> zstd_sink(std::unique_ptr<ByteSink> out, int level) {
  return std::make_unique<ZstdSink>(std::move(out), level);
}

std::unique_ptr<ByteSink> gzip_sink(std::unique_ptr<ByteSink> out, int level) {
  return std::make_unique<GzipSink>(std::move(out), level);
}

}  // namespace kvonce::bench

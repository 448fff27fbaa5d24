#include "kvonce/io/gzip_source.hpp"

#include <vector>

#include <zlib.h>

#include "kvonce/util/error.hpp"

namespace kvonce::io {
namespace {

constexpr std::size_t kChunk = 256 * 1024;
constexpr int kGzipOnly = 16 + MAX_WBITS;

class GzipSource final : public ByteSource {
 public:
  GzipSource(std::unique_ptr<ByteSource> in, const ReadLimits& limits, InputInfo& info,
             std::uint64_t offset, unsigned members)
      : in_(std::move(in)),
        limit_(limits.max_decompressed_bytes),
        info_(info),
        buf_(kChunk),
        total_in_(offset),
        members_(members) {
    if (inflateInit2(&z_, kGzipOnly) != Z_OK) fail(ErrorKind::internal, "zlib init failed");
  }
  ~GzipSource() override { inflateEnd(&z_); }

  std::size_t read(char* out, std::size_t size) override {
    z_.next_out = reinterpret_cast<Bytef*>(out);
    z_.avail_out = static_cast<uInt>(std::min<std::size_t>(size, 1u << 30));
    while (z_.avail_out > 0 && !done_) step();
    const std::size_t produced = size - z_.avail_out;
    info_.decompressed_bytes += produced;
    if (limit_ != 0 && info_.decompressed_bytes > limit_) {
      fail(ErrorKind::limit, name() + ": decompressed size exceeds --max-decompressed-bytes (" +
                                 std::to_string(limit_) +
                                 " bytes); raise it if the payload is "
                                 "genuine, a gzip bomb would not stop");
    }
    return produced;
  }
  const std::string& name() const override { return in_->name(); }

 private:
  // One unit of progress: refill input, inflate, or move to the next member.
  void step() {
    if (z_.avail_in == 0 && !refill()) {
      if (in_member_) {
        fail(ErrorKind::input, name() + ": truncated gzip stream (compressed byte " +
                                   std::to_string(consumed()) + "): the member does not end");
      }
      done_ = true;
      return;
    }
    if (!in_member_) start_member();
    const int rc = inflate(&z_, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      in_member_ = false;
      return;
    }
    if (rc == Z_OK || rc == Z_BUF_ERROR) return;
    fail(ErrorKind::input, name() + ": corrupt gzip data at compressed byte " +
                               std::to_string(consumed()) + ": " +
                               (z_.msg ? z_.msg : "inflate failed"));
  }

  // A new member must start with the gzip magic; anything else after a member is rejected
  // rather than silently dropped, so no trailing data is lost unnoticed.
  void start_member() {
    if (z_.avail_in >= 1 && z_.next_in[0] != 0x1f) trailing();
    if (z_.avail_in >= 2 && z_.next_in[1] != 0x8b) trailing();
    if (members_ > 0 && inflateReset(&z_) != Z_OK) fail(ErrorKind::internal, "zlib reset failed");
    in_member_ = true;
    ++members_;
  }

  [[noreturn]] void trailing() {
    fail(ErrorKind::input, name() + ": data after gzip member " + std::to_string(members_) +
                               " at compressed byte " + std::to_string(consumed()) +
                               " is not a gzip member");
  }

  bool refill() {
    const std::size_t n = in_->read(buf_.data(), buf_.size());
    total_in_ += n;
    z_.next_in = reinterpret_cast<Bytef*>(buf_.data());
    z_.avail_in = static_cast<uInt>(n);
    return n > 0;
  }

  std::uint64_t consumed() const { return total_in_ - z_.avail_in; }

  std::unique_ptr<ByteSource> in_;
  std::uint64_t limit_;
  InputInfo& info_;
  std::vector<char> buf_;
  z_stream z_{};
  std::uint64_t total_in_;  // compressed bytes before buf_'s end, counted from the stream's start
  unsigned members_;
  bool in_member_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> make_zlib_gzip_source(std::unique_ptr<ByteSource> compressed,
                                                  const ReadLimits& limits, InputInfo& info) {
  return std::make_unique<GzipSource>(std::move(compressed), limits, info, 0, 0);
}

std::unique_ptr<ByteSource> continue_gzip_with_zlib(std::unique_ptr<ByteSource> rest,
                                                    const ReadLimits& limits, InputInfo& info,
                                                    std::uint64_t offset, unsigned members) {
  return std::make_unique<GzipSource>(std::move(rest), limits, info, offset, members);
}

std::string gzip_compress(const std::string& bytes, int level) {
  z_stream z{};
  if (deflateInit2(&z, level, Z_DEFLATED, kGzipOnly, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    fail(ErrorKind::internal, "zlib deflate init failed");
  }
  std::string out(deflateBound(&z, static_cast<uLong>(bytes.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = static_cast<uInt>(bytes.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) fail(ErrorKind::internal, "zlib deflate failed");
  return out;
}

std::string zlib_runtime_version() {
  return zlibVersion();
}

}  // namespace kvonce::io

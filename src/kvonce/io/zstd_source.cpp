#include "kvonce/io/zstd_source.hpp"

#include <vector>

#include <zstd.h>

#include "kvonce/util/error.hpp"

namespace kvonce::io {
namespace {

class ZstdSource final : public ByteSource {
 public:
  ZstdSource(std::unique_ptr<ByteSource> in, const ReadLimits& limits, InputInfo& info)
      : in_(std::move(in)),
        limit_(limits.max_decompressed_bytes),
        info_(info),
        buf_(ZSTD_DStreamInSize()),
        stream_(ZSTD_createDStream()) {
    if (!stream_) fail(ErrorKind::internal, "zstd: cannot create a decompression stream");
  }
  ~ZstdSource() override { ZSTD_freeDStream(stream_); }

  std::size_t read(char* out, std::size_t size) override {
    ZSTD_outBuffer output{out, size, 0};
    while (output.pos < output.size && !done_) step(output);
    info_.decompressed_bytes += output.pos;
    if (limit_ != 0 && info_.decompressed_bytes > limit_) {
      fail(ErrorKind::limit, name() + ": decompressed size exceeds --max-decompressed-bytes (" +
                                 std::to_string(limit_) +
                                 " bytes); raise it if the payload is genuine, a zstd bomb "
                                 "would not stop");
    }
    return output.pos;
  }
  const std::string& name() const override { return in_->name(); }

 private:
  void step(ZSTD_outBuffer& output) {
    const bool at_end = input_.pos == input_.size && !refill();
    if (at_end && !in_frame_) {  // the input ends between frames
      done_ = true;
      return;
    }
    const std::size_t before = output.pos;
    const std::size_t rc = ZSTD_decompressStream(stream_, &output, &input_);
    if (ZSTD_isError(rc)) {
      fail(ErrorKind::input, name() + ": zstd frame corrupt at compressed byte " +
                                 std::to_string(consumed()) + ": " + ZSTD_getErrorName(rc));
    }
    // zstd returns 0 exactly when a frame (or skippable frame) has been decoded and flushed. At
    // the end of the input it may still hold decoded bytes that did not fit the caller's buffer.
    in_frame_ = rc != 0;
    if (!at_end || output.pos != before || !in_frame_) return;
    fail(ErrorKind::input, name() + ": zstd frame truncated at compressed byte " +
                               std::to_string(consumed()) + ": the frame does not end");
  }

  bool refill() {
    const std::size_t n = in_->read(buf_.data(), buf_.size());
    total_in_ += n;
    input_ = ZSTD_inBuffer{buf_.data(), n, 0};
    return n > 0;
  }

  std::uint64_t consumed() const { return total_in_ - (input_.size - input_.pos); }

  std::unique_ptr<ByteSource> in_;
  std::uint64_t limit_;
  InputInfo& info_;
  std::vector<char> buf_;
  ZSTD_DStream* stream_;
  ZSTD_inBuffer input_{nullptr, 0, 0};
  std::uint64_t total_in_ = 0;
  bool in_frame_ = false;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ByteSource> make_zstd_source(std::unique_ptr<ByteSource> compressed,
                                             const ReadLimits& limits, InputInfo& info) {
  return std::make_unique<ZstdSource>(std::move(compressed), limits, info);
}

std::string zstd_compress(std::string_view bytes, int level) {
  std::string out(ZSTD_compressBound(bytes.size()), '\0');
  const std::size_t n = ZSTD_compress(out.data(), out.size(), bytes.data(), bytes.size(), level);
  if (ZSTD_isError(n)) fail(ErrorKind::internal, std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

std::string zstd_runtime_version() {
  return ZSTD_versionString();
}

}  // namespace kvonce::io

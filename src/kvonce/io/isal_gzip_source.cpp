// Streaming gunzip with ISA-L's igzip (the only file that includes <isa-l/igzip_lib.h>).
//
// igzip inflates two to three times as fast as zlib, which let `gzip -dc` itself outrun verify
// of a gzipped payload. Its streaming inflate parses each member's header, checks its CRC-32
// and length, and hands back the bytes after the member, so several members and trailing bytes
// are told apart here exactly as the zlib inflater (gzip_source.cpp) tells them.
//
// ISA-L 2.30 refuses a member whose header carries its own CRC (FHCRC), which gzip and zlib
// accept: from such a member on, the stream is handed to zlib.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include <isa-l/igzip_lib.h>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/io/compression.hpp"
#include "kvonce/io/gzip_source.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::io {
namespace {

constexpr std::size_t kChunk = 256 * 1024;

const char* describe(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid distance too far back";
    case ISAL_INVALID_WRAPPER: return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "unknown compression method";
    case ISAL_INCORRECT_CHECKSUM: return "incorrect data check";
    case ISAL_NEED_DICT: return "a preset dictionary is needed";
    default: return "inflate failed";
  }
}

class IsalGzipSource final : public ByteSource {
 public:
  IsalGzipSource(std::unique_ptr<ByteSource> in, const ReadLimits& limits, InputInfo& info)
      : in_(std::move(in)),
        name_(in_->name()),
        limits_(limits),
        limit_(limits.max_decompressed_bytes),
        info_(info),
        state_(std::make_unique<inflate_state>()),
        buf_(kChunk) {
    isal_inflate_init(state_.get());
  }

  std::size_t read(char* out, std::size_t size) override {
    if (zlib_) return zlib_->read(out, size);
    state_->next_out = reinterpret_cast<std::uint8_t*>(out);
    state_->avail_out = static_cast<std::uint32_t>(std::min<std::size_t>(size, 1u << 30));
    const std::uint32_t asked = state_->avail_out;
    while (state_->avail_out > 0 && !done_ && !zlib_) step();
    const std::size_t produced = asked - state_->avail_out;
    info_.decompressed_bytes += produced;
    if (limit_ != 0 && info_.decompressed_bytes > limit_) {
      fail(ErrorKind::limit, name() + ": decompressed size exceeds --max-decompressed-bytes (" +
                                 std::to_string(limit_) +
                                 " bytes); raise it if the payload is "
                                 "genuine, a gzip bomb would not stop");
    }
    if (produced == 0 && zlib_) return zlib_->read(out, size);
    return produced;
  }
  const std::string& name() const override { return name_; }

 private:
  // One unit of progress: refill input, inflate, or move to the next member. igzip takes in
  // more input than the output it has room for, so it may still hold output once the input has
  // ended: only an inflate that then produces nothing means the member was cut short.
  void step() {
    if (state_->avail_in == 0 && !input_ended_ && !refill()) input_ended_ = true;
    if (!in_member_) {
      if (state_->avail_in == 0) {
        done_ = true;
        return;
      }
      if (header_has_crc()) return hand_over();
      start_member();
    }
    const std::uint32_t out_before = state_->avail_out, in_before = state_->avail_in;
    const int rc = isal_inflate(state_.get());
    if (rc != ISAL_DECOMP_OK) {
      fail(ErrorKind::input, name() + ": corrupt gzip data at compressed byte " +
                                 std::to_string(consumed()) + ": " + describe(rc));
    }
    if (state_->block_state == ISAL_BLOCK_FINISH) {
      in_member_ = false;
      return;
    }
    const bool progress = state_->avail_out != out_before || state_->avail_in != in_before;
    if (!progress && (input_ended_ || state_->avail_in > 0)) {
      fail(ErrorKind::input, name() + ": truncated gzip stream (compressed byte " +
                                 std::to_string(consumed()) + "): the member does not end");
    }
  }

  // A new member must start with the gzip magic; anything else after a member is rejected
  // rather than silently dropped, so no trailing data is lost unnoticed.
  void start_member() {
    if (state_->avail_in >= 1 && state_->next_in[0] != 0x1f) trailing();
    if (state_->avail_in >= 2 && state_->next_in[1] != 0x8b) trailing();
    if (members_ > 0) {
      std::uint8_t* next_in = state_->next_in;
      const std::uint32_t avail_in = state_->avail_in;
      std::uint8_t* next_out = state_->next_out;
      const std::uint32_t avail_out = state_->avail_out;
      isal_inflate_reset(state_.get());
      state_->next_in = next_in;
      state_->avail_in = avail_in;
      state_->next_out = next_out;
      state_->avail_out = avail_out;
    }
    state_->crc_flag = ISAL_GZIP;  // parse the header, check the trailer's CRC-32 and length
    in_member_ = true;
    ++members_;
  }

  // Whether the next member's header has FHCRC; false when fewer than its 4 first bytes are
  // left (igzip then reports the cut).
  bool header_has_crc() {
    if (state_->avail_in < 4 && !input_ended_) {
      std::memmove(buf_.data(), state_->next_in, state_->avail_in);
      state_->next_in = reinterpret_cast<std::uint8_t*>(buf_.data());
      while (state_->avail_in < 4) {
        const std::size_t n =
            in_->read(buf_.data() + state_->avail_in, buf_.size() - state_->avail_in);
        if (n == 0) {
          input_ended_ = true;
          break;
        }
        total_in_ += n;
        state_->avail_in += static_cast<std::uint32_t>(n);
      }
    }
    return state_->avail_in >= 4 && state_->next_in[0] == 0x1f && state_->next_in[1] == 0x8b &&
           (state_->next_in[3] & 0x02) != 0;
  }

  // zlib takes the stream from the start of the next member: the input buffered here first.
  void hand_over() {
    std::string buffered(reinterpret_cast<const char*>(state_->next_in), state_->avail_in);
    const std::uint64_t at = consumed();
    zlib_ = continue_gzip_with_zlib(replay(std::move(buffered), std::move(in_)), limits_, info_, at,
                                    members_);
  }

  [[noreturn]] void trailing() {
    fail(ErrorKind::input, name() + ": data after gzip member " + std::to_string(members_) +
                               " at compressed byte " + std::to_string(consumed()) +
                               " is not a gzip member");
  }

  bool refill() {
    const std::size_t n = in_->read(buf_.data(), buf_.size());
    total_in_ += n;
    state_->next_in = reinterpret_cast<std::uint8_t*>(buf_.data());
    state_->avail_in = static_cast<std::uint32_t>(n);
    return n > 0;
  }

  std::uint64_t consumed() const { return total_in_ - state_->avail_in; }

  std::unique_ptr<ByteSource> in_;
  std::string name_;
  ReadLimits limits_;
  std::uint64_t limit_;
  InputInfo& info_;
  std::unique_ptr<inflate_state> state_;  // about 40 KiB: on the heap, once per stream
  std::vector<char> buf_;
  std::uint64_t total_in_ = 0;
  unsigned members_ = 0;
  bool in_member_ = false;
  bool input_ended_ = false;
  bool done_ = false;
  std::unique_ptr<ByteSource> zlib_;  // the rest of the stream, once handed to zlib
};

}  // namespace

std::unique_ptr<ByteSource> make_gzip_source(std::unique_ptr<ByteSource> compressed,
                                             const ReadLimits& limits, InputInfo& info) {
  return std::make_unique<IsalGzipSource>(std::move(compressed), limits, info);
}

std::string isal_build_version() {
  return KVONCE_ISAL_VERSION;
}

}  // namespace kvonce::io

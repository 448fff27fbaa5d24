#include "kvonce/payload/framing.hpp"

#include <algorithm>

#include "kvonce/io/compression.hpp"
#include "kvonce/io/zstd_source.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::payload {
namespace {

// Reads up to `size` bytes; fewer only at the end of the source.
std::size_t read_fully(io::ByteSource& source, char* out, std::size_t size) {
  std::size_t have = 0;
  while (have < size) {
    const std::size_t n = source.read(out + have, size - have);
    if (n == 0) break;
    have += n;
  }
  return have;
}

std::string record_name(const io::ByteSource& source, std::uint64_t index, std::uint64_t offset) {
  return source.name() + " record " + std::to_string(index) + " (byte " + std::to_string(offset) +
         ")";
}

// One record's message, read from the framed file as the reader asks for it: nothing is
// allocated from the announced length, which the file's author chose. A file that ends before
// the record does is an error at that byte, whoever is reading.
class RecordSource final : public io::ByteSource {
 public:
  RecordSource(io::ByteSource& file, std::uint64_t length, std::uint64_t offset, std::string name,
               const char* what = "length-prefixed record")
      : file_(file),
        left_(length),
        length_(length),
        offset_(offset),
        name_(std::move(name)),
        what_(what) {}

  std::size_t read(char* buf, std::size_t size) override {
    if (left_ == 0 || size == 0) return 0;
    const std::size_t n =
        file_.read(buf, static_cast<std::size_t>(std::min<std::uint64_t>(size, left_)));
    if (n == 0) {
      const std::uint64_t have = length_ - left_;
      fail(ErrorKind::input, name_ + ": " + what_ + " truncated at byte " +
                                 std::to_string(offset_ + have) + ": " + std::to_string(length_) +
                                 " bytes announced, " + std::to_string(have) + " present");
    }
    left_ -= n;
    return n;
  }
  const std::string& name() const override { return name_; }

  // Reads what the record's reader left unread, so the next length is where the file says.
  void skip_rest() {
    char buf[64 * 1024];
    while (read(buf, sizeof buf) > 0) {
    }
  }

 private:
  io::ByteSource& file_;
  std::uint64_t left_, length_, offset_;
  std::string name_;
  const char* what_;
};

// A non-owning view of a source, for the layers stacked on a record that the loop owns.
class Borrowed final : public io::ByteSource {
 public:
  explicit Borrowed(io::ByteSource& inner) : inner_(inner) {}
  std::size_t read(char* buf, std::size_t size) override { return inner_.read(buf, size); }
  const std::string& name() const override { return inner_.name(); }

 private:
  io::ByteSource& inner_;
};

// Reads one record as a stream: sniffs its own zstd compression and its encoding from its first
// bytes, then hands the (decompressing) stream to `on_record`.
void read_record(RecordSource& body, FramedRecord& record, const io::ReadLimits& limits,
                 std::uint64_t& decompressed,
                 const std::function<void(const FramedRecord&)>& on_record) {
  std::unique_ptr<io::ByteSource> message = std::make_unique<Borrowed>(body);
  record.compressed = io::sniff_compression(io::peek_prefix(message, io::kCompressionMagicBytes)) ==
                      io::Compression::zstd;
  io::InputInfo info;
  if (record.compressed) {
    io::ReadLimits left = limits;
    if (limits.max_decompressed_bytes != 0) {
      left.max_decompressed_bytes = limits.max_decompressed_bytes - decompressed;
    }
    message = io::make_zstd_source(std::move(message), left, info);
  }
  record.encoding = detect_record(io::peek_prefix(message, kDetectBytes), body.name());
  record.message = message.get();
  on_record(record);
  decompressed += info.decompressed_bytes;
}

}  // namespace

std::uint64_t read_framed(io::ByteSource& source, const io::ReadLimits& limits,
                          const std::function<void(const FramedRecord&)>& on_record) {
  std::uint64_t offset = 0, index = 0, decompressed = 0;
  for (;; ++index) {
    unsigned char prefix[4];
    const std::size_t got = read_fully(source, reinterpret_cast<char*>(prefix), 4);
    if (got == 0) return index;
    if (got < 4) {
      fail(ErrorKind::input, record_name(source, index, offset) +
                                 ": length-prefixed record truncated: the 4-byte length ends "
                                 "after " +
                                 std::to_string(got) + " byte(s)");
    }
    const std::uint64_t length = std::uint64_t{prefix[0]} << 24 | std::uint64_t{prefix[1]} << 16 |
                                 std::uint64_t{prefix[2]} << 8 | prefix[3];
    offset += 4;
    const std::string name = record_name(source, index, offset);
    if (limits.max_decompressed_bytes != 0 && length > limits.max_decompressed_bytes) {
      fail(ErrorKind::limit, name + ": a record of " + std::to_string(length) +
                                 " bytes exceeds --max-decompressed-bytes (" +
                                 std::to_string(limits.max_decompressed_bytes) + " bytes)");
    }
    RecordSource body(source, length, offset, name);
    FramedRecord record;
    record.index = index;
    record.offset = offset;
    read_record(body, record, limits, decompressed, on_record);
    body.skip_rest();
    offset += length;
  }
}

namespace {

std::string message_name(const io::ByteSource& source, std::uint64_t index, std::uint64_t offset) {
  return source.name() + " gRPC message " + std::to_string(index) + " (byte " +
         std::to_string(offset) + ")";
}

// A compressed gRPC message names its encoding only in the call's grpc-encoding header, which a
// saved body has lost: its magic number tells gzip from zstd.
std::unique_ptr<io::ByteSource> decompress_message(std::unique_ptr<io::ByteSource> message,
                                                   const std::string& name,
                                                   const io::ReadLimits& limits,
                                                   std::uint64_t decompressed, io::InputInfo& info,
                                                   io::Compression& compression) {
  compression = io::sniff_compression(io::peek_prefix(message, io::kCompressionMagicBytes));
  if (compression == io::Compression::none) {
    fail(ErrorKind::input,
         name + ": a gRPC message compressed with an encoding other than gzip or zstd (" +
             io::describe_start(io::peek_prefix(message, io::kCompressionMagicBytes)) + ")");
  }
  io::ReadLimits left = limits;
  if (limits.max_decompressed_bytes != 0) {
    left.max_decompressed_bytes = limits.max_decompressed_bytes - decompressed;
  }
  return io::row_of(compression).decompress(std::move(message), left, info);
}

}  // namespace

std::uint64_t read_grpc(io::ByteSource& source, const io::ReadLimits& limits,
                        const std::function<void(const GrpcMessage&)>& on_message) {
  std::uint64_t offset = 0, index = 0, decompressed = 0;
  for (;; ++index) {
    unsigned char prefix[5];
    const std::size_t got = read_fully(source, reinterpret_cast<char*>(prefix), 5);
    if (got == 0) return index;
    const std::string at = message_name(source, index, offset);
    if (got < 5) {
      fail(ErrorKind::input, at + ": gRPC message truncated: the 5-byte prefix ends after " +
                                 std::to_string(got) + " byte(s)");
    }
    if (prefix[0] > 1) {
      fail(ErrorKind::input,
           at + ": gRPC compressed flag " + std::to_string(prefix[0]) + ", not 0 or 1");
    }
    const std::uint64_t length = std::uint64_t{prefix[1]} << 24 | std::uint64_t{prefix[2]} << 16 |
                                 std::uint64_t{prefix[3]} << 8 | prefix[4];
    offset += 5;
    const std::string name = message_name(source, index, offset);
    if (limits.max_decompressed_bytes != 0 && length > limits.max_decompressed_bytes) {
      fail(ErrorKind::limit, name + ": a message of " + std::to_string(length) +
                                 " bytes exceeds --max-decompressed-bytes (" +
                                 std::to_string(limits.max_decompressed_bytes) + " bytes)");
    }
    RecordSource body(source, length, offset, name, "gRPC message");
    GrpcMessage message;
    message.index = index;
    message.offset = offset;
    std::unique_ptr<io::ByteSource> stream = std::make_unique<Borrowed>(body);
    io::InputInfo info;
    if (prefix[0] == 1) {
      stream = decompress_message(std::move(stream), name, limits, decompressed, info,
                                  message.compression);
    }
    message.message = stream.get();
    on_message(message);
    decompressed += info.decompressed_bytes;
    stream.reset();
    body.skip_rest();
    offset += length;
  }
}

std::string frame_grpc(std::string_view message, bool compressed) {
  return std::string(1, compressed ? '\x01' : '\x00') + frame_record(message);
}

std::string frame_record(std::string_view message) {
  const auto n = static_cast<std::uint32_t>(message.size());
  std::string out{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                  static_cast<char>(n)};
  out += message;
  return out;
}

}  // namespace kvonce::payload

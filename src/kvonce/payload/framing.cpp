#include "kvonce/payload/framing.hpp"

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

std::string decompress_record(std::string record, const std::string& name,
                              const io::ReadLimits& limits, std::uint64_t& decompressed) {
  io::ReadLimits left = limits;
  if (limits.max_decompressed_bytes != 0) {
    left.max_decompressed_bytes = limits.max_decompressed_bytes - decompressed;
  }
  io::InputInfo info;
  auto source = io::make_zstd_source(io::from_memory(std::move(record), name), left, info);
  std::string out;
  char buf[64 * 1024];
  for (std::size_t n; (n = source->read(buf, sizeof buf)) > 0;) out.append(buf, n);
  decompressed += info.decompressed_bytes;
  return out;
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
    std::string message(length, '\0');
    const std::size_t have = read_fully(source, message.data(), length);
    if (have < length) {
      fail(ErrorKind::input, name + ": length-prefixed record truncated at byte " +
                                 std::to_string(offset + have) + ": " + std::to_string(length) +
                                 " bytes announced, " + std::to_string(have) + " present");
    }
    FramedRecord record;
    record.index = index;
    record.offset = offset;
    record.compressed = io::sniff_compression(message) == io::Compression::zstd;
    if (record.compressed)
      message = decompress_record(std::move(message), name, limits, decompressed);
    record.encoding = detect_record(message, name);
    const auto body = io::from_memory(std::move(message), name);
    record.message = body.get();
    on_record(record);
    offset += length;
  }
}

std::string frame_record(std::string_view message) {
  const auto n = static_cast<std::uint32_t>(message.size());
  std::string out{static_cast<char>(n >> 24), static_cast<char>(n >> 16), static_cast<char>(n >> 8),
                  static_cast<char>(n)};
  out += message;
  return out;
}

}  // namespace kvonce::payload

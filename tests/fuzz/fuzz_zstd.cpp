// libFuzzer target: zstd streaming decompression as payloads reach it. The input is read as a
// zstd stream (a frame magic is prepended when it has none, so mutations act on frame headers and
// blocks); any corruption must end in kvonce::Error, never a crash, hang or unbounded memory.
#include <memory>
#include <vector>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/io/compression.hpp"

#include "fuzz_support.hpp"

using namespace kvonce;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  if (io::sniff_compression(bytes) != io::Compression::zstd) bytes.insert(0, "\x28\xb5\x2f\xfd");
  io::InputInfo info;
  try {
    auto source = io::open_payload(std::make_unique<fuzz::TrickleSource>(bytes, 1 + size % 511),
                                   fuzz::small_limits(), info);
    std::string buf(1 + size % 8192, '\0');
    std::uint64_t total = 0;
    for (std::size_t n; (n = source->read(buf.data(), buf.size())) > 0;) total += n;
    FUZZ_CHECK(total == info.decompressed_bytes);
    FUZZ_CHECK(total <= fuzz::small_limits().max_decompressed_bytes);
  } catch (const Error&) {
  }
  return 0;
}

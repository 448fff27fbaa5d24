#include <catch2/catch.hpp>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/io/compression.hpp"
#include "kvonce/io/gzip_source.hpp"
#include "kvonce/io/zstd_source.hpp"
#include "kvonce/util/error.hpp"

#include "support/decoded.hpp"

using namespace kvonce;

namespace {

std::string read_all(const std::string& bytes, io::InputInfo& info, io::ReadLimits limits = {},
                     std::size_t chunk = 4096) {
  return test::read_decoded(bytes, "p.zst", info, limits, chunk);
}

Error error_of(const std::string& bytes, io::ReadLimits limits = {}) {
  return test::decode_error(bytes, "p.zst", limits);
}

// A skippable frame (magic 0x184D2A5n little-endian, 4-byte length, then that many bytes).
std::string skippable(std::string_view payload, unsigned char n = 0) {
  std::string out{static_cast<char>(0x50 | n), 0x2a, 0x4d, 0x18};
  const auto size = static_cast<std::uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(size >> (8 * i)));
  return out + std::string(payload);
}

}  // namespace

TEST_CASE("compression is sniffed from the first bytes: gzip, zstd frames, skippable frames") {
  using io::Compression;
  CHECK(io::sniff_compression("\x1f\x8b\x08") == Compression::gzip);
  CHECK(io::sniff_compression("\x28\xb5\x2f\xfd") == Compression::zstd);
  CHECK(io::sniff_compression(skippable("meta", 7)) == Compression::zstd);
  CHECK(io::sniff_compression("\x28\xb5\x2f") == Compression::none);  // too short to be a frame
  CHECK(io::sniff_compression("{\"resourceSpans\"") == Compression::none);
  CHECK(io::sniff_compression("\x1f") == Compression::none);
  CHECK(std::string(io::content_encoding(Compression::zstd)) == "zstd");
  CHECK(std::string(io::content_encoding(Compression::none)) == "identity");
  CHECK(io::describe_start("\x89PNG\r\n") == "starts with 0x89 0x50 0x4e 0x47");
  CHECK(io::describe_start("") == "is empty");
}

TEST_CASE("zstd: open_payload decompresses by content, with sizes and the compression recorded") {
  const std::string plain = "{\"resourceSpans\":[]}\n";
  const std::string z = io::zstd_compress(plain);
  io::InputInfo info;
  CHECK(read_all(z, info) == plain);
  CHECK(info.compression == io::Compression::zstd);
  CHECK_FALSE(info.gzip);
  CHECK(info.raw_bytes == z.size());
  CHECK(info.decompressed_bytes == plain.size());
}

TEST_CASE("zstd: several frames and skippable frames form one stream") {
  const std::string bytes = skippable("head") + io::zstd_compress("first\n") + skippable("", 3) +
                            io::zstd_compress("second\n") + io::zstd_compress("third") +
                            skippable("tail");
  io::InputInfo info;
  CHECK(read_all(bytes, info, {}, 1) == "first\nsecond\nthird");
}

TEST_CASE("zstd: a large payload in small reads") {
  std::string big;
  for (long long i = 0; i < 300000; ++i) big += std::to_string(i * 7919) + ",";
  io::InputInfo info;
  CHECK(read_all(io::zstd_compress(big, 1), info, {}, 777) == big);
  CHECK(info.decompressed_bytes == big.size());
}

TEST_CASE("zstd: a truncated frame is an input error with the compressed offset") {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += std::to_string(i);
  const std::string z = io::zstd_compress(big);
  const Error e = error_of(z.substr(0, z.size() / 2));
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::Contains("p.zst: zstd frame truncated at compressed byte " +
                                       std::to_string(z.size() / 2)));
}

TEST_CASE("zstd: a corrupt frame is an input error that names it") {
  std::string z = io::zstd_compress(std::string(5000, 'a') + std::string(5000, 'b'));
  for (std::size_t i = 6; i < z.size(); ++i) z[i] = static_cast<char>(z[i] ^ 0x5a);
  const Error e = error_of(z);
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::Contains("zstd frame corrupt at compressed byte"));
}

TEST_CASE("zstd: bytes after a frame that are no frame are an input error") {
  const Error e = error_of(io::zstd_compress("ok") + "trailing text");
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::Contains("zstd frame corrupt"));
}

TEST_CASE("zstd: more than --max-decompressed-bytes is a limit error (a zstd bomb stops)") {
  io::ReadLimits limits;
  limits.max_decompressed_bytes = 100000;
  const Error e = error_of(io::zstd_compress(std::string(10u << 20, '\0')), limits);
  CHECK(e.kind() == ErrorKind::limit);
  CHECK_THAT(e.what(), Catch::Contains("--max-decompressed-bytes (100000 bytes)"));
}

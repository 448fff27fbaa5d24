#include <catch2/catch.hpp>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/io/gzip_source.hpp"
#include "kvonce/util/error.hpp"

#include "support/decoded.hpp"

using namespace kvonce;

namespace {

std::string read_all(const std::string& bytes, io::InputInfo& info, io::ReadLimits limits = {},
                     std::size_t chunk = 4096) {
  return test::read_decoded(bytes, "p.gz", info, limits, chunk);
}

Error error_of(const std::string& bytes, io::ReadLimits limits = {}) {
  return test::decode_error(bytes, "p.gz", limits);
}

}  // namespace

TEST_CASE("open_payload sniffs gzip by magic bytes, not by name") {
  io::InputInfo plain_info, gz_info;
  CHECK(read_all("{\"a\":1}", plain_info) == "{\"a\":1}");
  CHECK_FALSE(plain_info.gzip);
  CHECK(plain_info.decompressed_bytes == 7);
  const std::string gz = io::gzip_compress("{\"a\":1}");
  CHECK(read_all(gz, gz_info) == "{\"a\":1}");
  CHECK(gz_info.gzip);
  CHECK(gz_info.raw_bytes == gz.size());
  CHECK(gz_info.decompressed_bytes == 7);
}

TEST_CASE("gzip: concatenated members form one stream") {
  io::InputInfo info;
  const std::string bytes =
      io::gzip_compress("first\n") + io::gzip_compress("second\n") + io::gzip_compress("third");
  CHECK(read_all(bytes, info, {}, 1) == "first\nsecond\nthird");
}

TEST_CASE("gzip: a large payload in small reads") {
  std::string big;
  for (int i = 0; i < 200000; ++i) big += std::to_string(i) + ",";
  io::InputInfo info;
  CHECK(read_all(io::gzip_compress(big), info, {}, 777) == big);
}

TEST_CASE("gzip: a truncated member is an input error with the compressed offset") {
  const std::string gz = io::gzip_compress(std::string(10000, 'x') + "y");
  const Error e = error_of(gz.substr(0, gz.size() - 6));
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::Contains("truncated gzip") && Catch::Contains("compressed byte"));
}

TEST_CASE("gzip: corrupt data is an input error") {
  std::string gz = io::gzip_compress(std::string(10000, 'x'));
  gz[gz.size() / 2] ^= 0x55;
  gz[gz.size() / 2 + 1] ^= 0x55;
  const Error e = error_of(gz);
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::Contains("p.gz"));
}

TEST_CASE("gzip: trailing bytes that are not a member are rejected") {
  const Error e = error_of(io::gzip_compress("abc") + "garbage");
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::Contains("not a gzip member"));
}

TEST_CASE("gzip: a bomb stops at max_decompressed_bytes") {
  io::ReadLimits limits;
  limits.max_decompressed_bytes = 1 << 20;
  const Error e = error_of(io::gzip_compress(std::string(8 << 20, '\0'), 9), limits);
  CHECK(e.kind() == ErrorKind::limit);
  CHECK_THAT(e.what(), Catch::Contains("--max-decompressed-bytes"));
}

// ISA-L's inflater (make_gzip_source, what payloads are read with) against zlib's
// (make_zlib_gzip_source): the same bytes out, the same kind of error, on every input.
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/io/compression.hpp"
#include "kvonce/io/gzip_source.hpp"
#include "kvonce/util/error.hpp"

#include "support/pieces.hpp"

using namespace kvonce;

using kvonce::test::Pieces;

namespace {

struct Outcome {
  std::string bytes;               // what was read before the end or the error
  std::optional<ErrorKind> error;  // the error's kind, if any
  std::string message;
};

Outcome inflate(io::Decompressor make, const std::string& gz, std::size_t in_step,
                std::size_t out_step, io::ReadLimits limits = {}) {
  io::InputInfo info;
  Outcome o;
  try {
    auto source = make(std::make_unique<Pieces>(gz, in_step, "p.gz"), limits, info);
    std::string buf(out_step, '\0');
    while (const std::size_t n = source->read(buf.data(), buf.size())) o.bytes.append(buf, 0, n);
  } catch (const Error& e) {
    o.error = e.kind();
    o.message = e.what();
  }
  return o;
}

// Both inflaters, every pair of read sizes given: the same output and the same error kind.
void check_alike(const std::string& gz, std::initializer_list<std::size_t> steps = {1, 7, 4096}) {
  for (const std::size_t in_step : steps) {
    for (const std::size_t out_step : steps) {
      INFO("input step " << in_step << ", output step " << out_step);
      const Outcome isal = inflate(&io::make_gzip_source, gz, in_step, out_step);
      const Outcome zlib = inflate(&io::make_zlib_gzip_source, gz, in_step, out_step);
      INFO("isa-l: " << isal.message << " | zlib: " << zlib.message);
      REQUIRE(isal.error == zlib.error);
      if (!isal.error) REQUIRE(isal.bytes == zlib.bytes);
    }
  }
}

std::string text_of(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; s.size() < n; ++i)
    s += "{\"span\":" + std::to_string(i * 7919 % 1000) + "},";
  s.resize(n);
  return s;
}

// A gzip member whose header carries FEXTRA, FNAME, FCOMMENT and FHCRC (zlib writes none of
// them): the deflate data and trailer of a plain member after the richer header.
std::string member_with_header_fields(const std::string& data) {
  const std::string plain = io::gzip_compress(data);
  std::string header = std::string("\x1f\x8b\x08\x1e", 4) + std::string(6, '\0');
  header += std::string("\x04\x00", 2) + "ab12";  // FEXTRA: 4 bytes
  header += std::string("payload.json") + '\0';   // FNAME
  header += std::string("a comment") + '\0';      // FCOMMENT
  // FHCRC: the low 16 bits of the CRC-32 of the header so far.
  std::uint32_t crc = 0xffffffffu;
  for (const char c : header) {
    crc ^= static_cast<unsigned char>(c);
    for (int k = 0; k < 8; ++k) crc = crc & 1 ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
  }
  crc ^= 0xffffffffu;
  header.push_back(static_cast<char>(crc & 0xff));
  header.push_back(static_cast<char>(crc >> 8 & 0xff));
  return header + plain.substr(10);
}

}  // namespace

TEST_CASE("isa-l gzip: the same output as zlib, one member or several, any read sizes") {
  check_alike(io::gzip_compress(""));
  check_alike(io::gzip_compress("{\"a\":1}"));
  check_alike(io::gzip_compress(text_of(300000), 1) + io::gzip_compress(text_of(5000), 9) +
              io::gzip_compress("") + io::gzip_compress("tail"));
  const std::string big = text_of(3 << 20);
  const Outcome whole = inflate(&io::make_gzip_source, io::gzip_compress(big), 65536, 1 << 20);
  CHECK_FALSE(whole.error);
  CHECK(whole.bytes == big);
}

TEST_CASE("isa-l gzip: header fields zlib does not write (extra, name, comment, header CRC)") {
  const std::string gz = member_with_header_fields("fields") + io::gzip_compress("next");
  const Outcome isal = inflate(&io::make_gzip_source, gz, 3, 5);
  CHECK_FALSE(isal.error);
  CHECK(isal.bytes == "fieldsnext");
  check_alike(gz);
}

TEST_CASE("isa-l gzip: a stream cut at every byte fails as zlib's does") {
  const std::string gz = io::gzip_compress(text_of(2000)) + io::gzip_compress("second member");
  for (std::size_t cut = 1; cut < gz.size(); ++cut) {
    INFO("cut at " << cut);
    check_alike(gz.substr(0, cut), {1, 4096});
  }
}

TEST_CASE("isa-l gzip: corrupt bytes anywhere fail as zlib's do") {
  const std::string gz = io::gzip_compress(text_of(20000));
  for (std::size_t at = 0; at < gz.size(); at += 1 + at / 8) {
    std::string bad = gz;
    bad[at] = static_cast<char>(bad[at] ^ 0x5a);
    INFO("corrupt byte " << at);
    const Outcome isal = inflate(&io::make_gzip_source, bad, 4096, 4096);
    const Outcome zlib = inflate(&io::make_zlib_gzip_source, bad, 4096, 4096);
    INFO("isa-l: " << isal.message << " | zlib: " << zlib.message);
    CHECK(isal.error == zlib.error);
  }
}

TEST_CASE("isa-l gzip: trailing bytes and the decompressed size limit") {
  const Outcome trailing = inflate(&io::make_gzip_source, io::gzip_compress("abc") + "junk", 2, 3);
  CHECK(trailing.error == ErrorKind::input);
  const std::string at = "compressed byte " + std::to_string(io::gzip_compress("abc").size());
  CHECK_THAT(trailing.message, Catch::Contains("data after gzip member 1") && Catch::Contains(at));
  check_alike(io::gzip_compress("abc") + "junk");
  check_alike(io::gzip_compress("abc") + "\x1f");
  io::ReadLimits limits;
  limits.max_decompressed_bytes = 1 << 20;
  const Outcome bomb = inflate(
      &io::make_gzip_source, io::gzip_compress(std::string(8 << 20, 'x'), 9), 4096, 65536, limits);
  CHECK(bomb.error == ErrorKind::limit);
}

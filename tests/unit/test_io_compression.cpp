// The compression table is the one list of compressions: each row's magic is sniffed as it, each
// compressed row's decompressor reads what the library wrote, and the schemas' `compression`
// enums list exactly its names, so a compression added to the table and nowhere else fails here.
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/io/compression.hpp"
#include "kvonce/io/gzip_source.hpp"
#include "kvonce/io/zstd_source.hpp"

#include "support/schema_enums.hpp"
#include "support/test_support.hpp"

using namespace kvonce;

namespace {

// The name the validation and prepare-stats documents give a compression ("none" for none).
std::set<std::string> table_names() {
  std::set<std::string> names;
  for (const io::CompressionRow& row : io::kCompressionTable) {
    names.emplace(row.compression == io::Compression::none ? "none" : std::string(row.encoding));
  }
  return names;
}

std::string compress(io::Compression compression, const std::string& bytes) {
  switch (compression) {
    case io::Compression::gzip: return io::gzip_compress(bytes);
    case io::Compression::zstd: return io::zstd_compress(bytes);
    case io::Compression::none: break;
  }
  return bytes;
}

}  // namespace

TEST_CASE("compression table: each magic is sniffed as its compression") {
  for (const io::CompressionRow& row : io::kCompressionTable) {
    CAPTURE(row.encoding);
    CHECK(io::content_encoding(row.compression) == row.encoding);
    for (const io::Magic& magic : row.magic) {
      if (magic.bytes.empty()) continue;
      CHECK(magic.bytes.size() <= io::kCompressionMagicBytes);
      std::string head(magic.bytes);
      CHECK(io::sniff_compression(head + "payload") == row.compression);
      // Every first byte the mask admits.
      head[0] = static_cast<char>(static_cast<unsigned char>(head[0]) | ~magic.first_mask);
      CHECK(io::sniff_compression(head) == row.compression);
      CHECK(io::sniff_compression(head.substr(0, head.size() - 1)) == io::Compression::none);
    }
  }
  CHECK(io::sniff_compression("{\"resourceSpans\":[]}") == io::Compression::none);
  CHECK(io::sniff_compression("") == io::Compression::none);
}

TEST_CASE("compression table: open_payload reads each compression through its row") {
  const std::string text = "{\"resourceSpans\":[]}\n";
  for (const io::CompressionRow& row : io::kCompressionTable) {
    CAPTURE(row.encoding);
    CHECK((row.decompress == nullptr) == (row.compression == io::Compression::none));
    io::InputInfo info;
    auto source = io::open_payload(io::from_memory(compress(row.compression, text), "p"),
                                   io::ReadLimits{}, info);
    std::string read;
    char buf[64];
    while (const std::size_t n = source->read(buf, sizeof buf)) read.append(buf, n);
    CHECK(read == text);
    CHECK(info.compression == row.compression);
  }
}

TEST_CASE("compression table: every schema's compression enum lists exactly the table's names") {
  const auto enums = test::property_enums("compression");
  for (const test::SchemaEnum& e : enums) {
    CAPTURE(e.file, e.pointer);
    CHECK(e.values == table_names());
  }
  CHECK(enums.size() >= 2);  // the validation and prepare-stats schemas
}

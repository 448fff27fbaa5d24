// The compression layer of a payload, sniffed from its first bytes (never from a file name).
//
// Every place that needs to know whether a payload is compressed asks here: the readers, the
// payload metadata of `fetch` and `report --metadata-for`, and error messages that describe
// bytes nobody recognised.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

namespace kvonce::io {

enum class Compression { none, gzip, zstd };

// Leading bytes that mark a compression. `first_mask` applies to the first byte only: zstd's
// skippable frames carry any of 0x184D2A50..0x184D2A5F (little-endian), so its low nibble varies.
struct Magic {
  std::string_view bytes;  // empty: no magic
  unsigned char first_mask = 0xff;
};

struct CompressionRow {
  Compression compression;
  std::string_view encoding;  // the payload metadata's contentEncoding
  std::string_view suffix;    // the file name suffix it is stored under ("" for none)
  std::array<Magic, 2> magic;
};

// The one table of compressions. Sniffing checks the rows in order; `none` matches what no other
// row does. Which names a payload may be stored under is payload/file_names.hpp.
inline constexpr std::array<CompressionRow, 3> kCompressionTable = {{
    {Compression::gzip, "gzip", ".gz", {{{"\x1f\x8b"}, {}}}},
    // A zstd frame, or a skippable frame that may precede the data frames.
    {Compression::zstd, "zstd", ".zst", {{{"\x28\xb5\x2f\xfd"}, {"\x50\x2a\x4d\x18", 0xf0}}}},
    {Compression::none, "identity", "", {}},
}};

// Enough leading bytes to tell every compression apart.
inline constexpr std::size_t kCompressionMagicBytes = 4;

const CompressionRow& row_of(Compression compression);

// The first row whose magic `head` starts with; a shorter `head` than kCompressionMagicBytes is
// judged on what it holds.
Compression sniff_compression(std::string_view head);

// The payload metadata's contentEncoding: "identity", "gzip" or "zstd".
const char* content_encoding(Compression compression);

// "starts with 0x89 0x50 0x4e 0x47" (at most the first four bytes), or "is empty".
std::string describe_start(std::string_view head);

}  // namespace kvonce::io

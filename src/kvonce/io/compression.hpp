// The compression layer of a payload, sniffed from its first bytes (never from a file name).
//
// Every place that needs to know whether a payload is compressed asks here: the readers, the
// payload metadata of `fetch` and `report --metadata-for`, and error messages that describe
// bytes nobody recognised.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace kvonce::io {

class ByteSource;
struct ReadLimits;
struct InputInfo;

enum class Compression { none, gzip, zstd };

// A decompressor: a ByteSource that inflates `compressed` under `limits`, keeping `info`'s counts.
// Each is defined in io/<name>_source.cpp, the only file that includes its library. Errors (input)
// name the source and the compressed byte offset; more than limits.max_decompressed_bytes of
// output is Error(limit).
using Decompressor = std::unique_ptr<ByteSource> (*)(std::unique_ptr<ByteSource> compressed,
                                                     const ReadLimits& limits, InputInfo& info);
// gzip: one or more concatenated members; trailing bytes that are not a member are an error.
std::unique_ptr<ByteSource> make_gzip_source(std::unique_ptr<ByteSource> compressed,
                                             const ReadLimits& limits, InputInfo& info);
// zstd: one or more frames; skippable frames (metadata some writers put before or between
// frames) are passed over.
std::unique_ptr<ByteSource> make_zstd_source(std::unique_ptr<ByteSource> compressed,
                                             const ReadLimits& limits, InputInfo& info);

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
  Decompressor decompress;  // null for none
};

// The one table of compressions. Sniffing checks the rows in order; `none` matches what no other
// row does. Which names a payload may be stored under is payload/file_names.hpp.
inline constexpr std::array<CompressionRow, 3> kCompressionTable = {{
    {Compression::gzip, "gzip", ".gz", {{{"\x1f\x8b"}, {}}}, &make_gzip_source},
    // A zstd frame, or a skippable frame that may precede the data frames.
    {Compression::zstd,
     "zstd",
     ".zst",
     {{{"\x28\xb5\x2f\xfd"}, {"\x50\x2a\x4d\x18", 0xf0}}},
     &make_zstd_source},
    {Compression::none, "identity", "", {}, nullptr},
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

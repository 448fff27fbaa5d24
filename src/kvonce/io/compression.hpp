// The compression layer of a payload, sniffed from its first bytes (never from a file name).
//
// Every place that needs to know whether a payload is compressed asks here: the readers, the
// payload metadata of `fetch` and `report --metadata-for`, and error messages that describe
// bytes nobody recognised.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace kvonce::io {

enum class Compression { none, gzip, zstd };

// Enough leading bytes to tell every compression apart.
inline constexpr std::size_t kCompressionMagicBytes = 4;

// gzip: 1f 8b. zstd: a frame (28 b5 2f fd) or a skippable frame (5? 2a 4d 18), which may precede
// the data frames. A shorter `head` than kCompressionMagicBytes is judged on what it holds.
Compression sniff_compression(std::string_view head);

// The payload metadata's contentEncoding: "identity", "gzip" or "zstd".
const char* content_encoding(Compression compression);

// "starts with 0x89 0x50 0x4e 0x47" (at most the first four bytes), or "is empty".
std::string describe_start(std::string_view head);

}  // namespace kvonce::io

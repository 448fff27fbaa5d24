// Streaming zstd decompression of a ByteSource (zstd_source.cpp is the only file that includes
// <zstd.h>).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kvonce/io/byte_source.hpp"

namespace kvonce::io {

// Decompresses a zstd stream of one or more frames; skippable frames (metadata some writers put
// before or between frames) are passed over. Errors (input) name the source and the compressed
// byte offset: a corrupt frame, a frame that does not end. More than
// limits.max_decompressed_bytes of output is Error(limit).
std::unique_ptr<ByteSource> make_zstd_source(std::unique_ptr<ByteSource> compressed,
                                             const ReadLimits& limits, InputInfo& info);

// Compresses bytes into one zstd frame (tests, the benchmark generator, fixtures).
std::string zstd_compress(std::string_view bytes, int level = 3);

}  // namespace kvonce::io

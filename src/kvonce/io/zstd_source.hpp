// Streaming zstd decompression of a ByteSource (zstd_source.cpp is the only file that includes
// <zstd.h>).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "kvonce/io/byte_source.hpp"

namespace kvonce::io {

// make_zstd_source, the decompressor, is declared with its row in compression.hpp.

// Compresses bytes into one zstd frame (tests, the benchmark generator, fixtures).
std::string zstd_compress(std::string_view bytes, int level = 3);

// The version of libzstd the process runs with.
std::string zstd_runtime_version();

}  // namespace kvonce::io

// Streaming gunzip of a ByteSource (the only file that includes <zlib.h> is gzip_source.cpp).
#pragma once

#include <memory>
#include <string>

#include "kvonce/io/byte_source.hpp"

namespace kvonce::io {

// make_gzip_source, the decompressor, is declared with its row in compression.hpp.

// Compresses bytes into one gzip member (tests, the benchmark generator, fixtures).
std::string gzip_compress(const std::string& bytes, int level = 6);

// The version of the zlib the process runs with (not the one it was compiled against).
std::string zlib_runtime_version();

}  // namespace kvonce::io

// Streaming gunzip of a ByteSource (the only file that includes <zlib.h> is gzip_source.cpp).
#pragma once

#include <memory>
#include <string>

#include "kvonce/io/byte_source.hpp"

namespace kvonce::io {

// Inflates a gzip stream of one or more concatenated members. Errors (input) name the source and
// the compressed byte offset: corrupt data, a truncated member, trailing bytes that are not a gzip
// member. More than limits.max_decompressed_bytes of output is Error(limit).
std::unique_ptr<ByteSource> make_gzip_source(std::unique_ptr<ByteSource> compressed,
                                             const ReadLimits& limits, InputInfo& info);

// Compresses bytes into one gzip member (tests, the benchmark generator, fixtures).
std::string gzip_compress(const std::string& bytes, int level = 6);

// The version of the zlib the process runs with (not the one it was compiled against).
std::string zlib_runtime_version();

}  // namespace kvonce::io

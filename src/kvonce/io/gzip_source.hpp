// zlib's side of gzip (the only file that includes <zlib.h> is gzip_source.cpp): compression,
// and an inflater kept beside ISA-L's (isal_gzip_source.cpp, make_gzip_source), which payloads
// are read with, as the reference the tests hold ISA-L's output and errors to.
#pragma once

#include <memory>
#include <string>

#include "kvonce/io/byte_source.hpp"

namespace kvonce::io {

// make_gzip_source, the decompressor, is declared with its row in compression.hpp.

// The same decompressor on zlib's inflate: the same output, the same error kinds.
std::unique_ptr<ByteSource> make_zlib_gzip_source(std::unique_ptr<ByteSource> compressed,
                                                  const ReadLimits& limits, InputInfo& info);

// zlib inflating the rest of a gzip stream from a member's start, which another inflater could
// not take: `rest` starts there, `offset` compressed bytes and `members` members into the stream
// (so that messages count as if zlib had read it all).
std::unique_ptr<ByteSource> continue_gzip_with_zlib(std::unique_ptr<ByteSource> rest,
                                                    const ReadLimits& limits, InputInfo& info,
                                                    std::uint64_t offset, unsigned members);

// Compresses bytes into one gzip member (tests, the benchmark generator, fixtures).
std::string gzip_compress(const std::string& bytes, int level = 6);

// The version of the zlib the process runs with (not the one it was compiled against).
std::string zlib_runtime_version();

// The version of ISA-L the build was made against: ISA-L has no call that names its own.
std::string isal_build_version();

}  // namespace kvonce::io

// Reads a source ahead on a background thread, so that decompression (or a slow device) overlaps
// with parsing: the wall time becomes the slower of the two instead of their sum.
#pragma once

#include <memory>

#include "kvonce/io/byte_source.hpp"

namespace kvonce::io {

// At most `chunks` chunks of `chunk_size` bytes are buffered (memory stays bounded). An error the
// inner source throws is rethrown by read() at the point the reader reaches it.
std::unique_ptr<ByteSource> make_prefetch_source(std::unique_ptr<ByteSource> inner,
                                                 std::size_t chunk_size = 1 << 20,
                                                 std::size_t chunks = 4);

}  // namespace kvonce::io

// Byte sources: the first stage of the pipeline (source -> bytes -> gunzip -> reader).
//
// A ByteSource hands out the bytes of one input in chunks. Readers pull from it and never know
// whether the bytes come from a file, standard input, memory or a gzip stream.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "kvonce/io/compression.hpp"

namespace kvonce::io {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `size` bytes into `buf`; returns 0 only at the end of the input.
  // Throws kvonce::Error (input) naming the source when reading fails.
  virtual std::size_t read(char* buf, std::size_t size) = 0;
  // The name used in messages: the file path, "<stdin>", or a label.
  virtual const std::string& name() const = 0;
};

// Reads a file, or standard input for "-". Throws Error(input) when it cannot be opened.
std::unique_ptr<ByteSource> open_file(const std::string& path);

// Serves bytes that are already in memory (tests, fuzzers, embedded samples).
std::unique_ptr<ByteSource> from_memory(std::string bytes, std::string name);

// Reads up to `size` bytes from the start of `source` (fewer only at its end) and replaces
// `source` with one that serves those bytes again before the rest: a peek for sniffing.
std::string peek_prefix(std::unique_ptr<ByteSource>& source, std::size_t size);

// Serves `prefix`, then the rest of `source` (a decompressor handing its buffered input on).
std::unique_ptr<ByteSource> replay(std::string prefix, std::unique_ptr<ByteSource> source);

// Limits applied while reading untrusted input.
struct ReadLimits {
  std::uint64_t max_decompressed_bytes = 1ULL << 30;  // guards against gzip bombs
  std::size_t max_string_bytes = 64u << 20;           // one JSON string or number
  std::size_t max_depth = 256;                        // nesting inside values we decode
};

struct InputInfo {
  Compression compression = Compression::none;
  bool gzip = false;                     // compression == Compression::gzip
  std::uint64_t raw_bytes = 0;           // bytes read from the underlying source
  std::uint64_t decompressed_bytes = 0;  // bytes handed to the reader
};

// Opens a payload and sniffs its compression (see compression.hpp): gzip (several members allowed)
// and zstd (several frames allowed) are decompressed on the fly on a second thread, anything else
// is passed through. `info` is updated as bytes flow and must outlive the
// returned source.
std::unique_ptr<ByteSource> open_payload(std::unique_ptr<ByteSource> raw, const ReadLimits& limits,
                                         InputInfo& info);

}  // namespace kvonce::io

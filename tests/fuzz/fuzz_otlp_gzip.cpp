// libFuzzer target: OTLP JSON inside a gzip member. The input is the plain JSON (so mutations act
// on JSON, not on deflate bits); it is compressed here and read back through the gzip source,
// split into two members when long enough to cover member boundaries.
#include "kvonce/io/gzip_source.hpp"

#include "fuzz_support.hpp"

using namespace kvonce;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string plain(reinterpret_cast<const char*>(data), size);
  const std::size_t split = size / 2;
  const std::string gz =
      io::gzip_compress(plain.substr(0, split), 1) + io::gzip_compress(plain.substr(split), 6);
  fuzz::check_otlp_payload(gz, 1 + size % 4096);
  return 0;
}

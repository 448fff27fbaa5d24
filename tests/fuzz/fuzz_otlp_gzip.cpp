// libFuzzer target: OTLP JSON inside a gzip member. The input is the plain JSON (so mutations act
// on JSON, not on deflate bits); it is compressed here and read back through the gzip source,
// split into two members when long enough to cover member boundaries.
#include <memory>
#include <vector>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/payload/load.hpp"

#include "fuzz_support.hpp"

using namespace kvonce;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string plain(reinterpret_cast<const char*>(data), size);
  const std::size_t split = size / 2;
  const std::string gz =
      io::gzip_compress(plain.substr(0, split), 1) + io::gzip_compress(plain.substr(split), 6);
  fuzz::RecordingSink sink;
  std::vector<std::unique_ptr<io::ByteSource>> inputs;
  inputs.push_back(std::make_unique<fuzz::TrickleSource>(gz, 1 + size % 4096));
  try {
    payload::load_events(std::move(inputs), payload::Format::otlp, fuzz::small_limits(), sink);
  } catch (const Error&) {
    return 0;
  }
  fuzz::check_ndjson_round_trip(sink);
  return 0;
}

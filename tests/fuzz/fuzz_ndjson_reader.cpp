// libFuzzer target: the NDJSON event reader (one JSON object per line), fed in pieces so buffer
// refills land inside strings, numbers and line ends. Events it accepts must survive being
// written as NDJSON and read again.
#include <memory>
#include <vector>

#include "kvonce/payload/load.hpp"

#include "fuzz_support.hpp"

using namespace kvonce;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  fuzz::RecordingSink sink;
  std::vector<std::unique_ptr<io::ByteSource>> inputs;
  const std::size_t step = size % 3 == 0 ? size + 1 : 1 + size % 17;
  inputs.push_back(std::make_unique<fuzz::TrickleSource>(bytes, step));
  try {
    payload::load_events(std::move(inputs), payload::Format::ndjson, fuzz::small_limits(), sink);
  } catch (const Error&) {
    return 0;
  }
  fuzz::check_ndjson_round_trip(sink);
  return 0;
}

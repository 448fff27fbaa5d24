// libFuzzer target: the OTLP protobuf reader. The input is the protobuf payload itself, served in
// small pieces so that the reader's buffer refills land everywhere; whatever the bytes, the reader
// either yields events whose NDJSON lines read back the same, or rejects them with kvonce::Error.

#include "fuzz_support.hpp"

using namespace kvonce;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A leading 0x0a makes detection pick protobuf, so mutations reach the wire reader.
  std::string bytes = "\x0a";
  bytes.append(reinterpret_cast<const char*>(data), size);
  fuzz::check_otlp_payload(bytes, 1 + size % 4096);
  return 0;
}

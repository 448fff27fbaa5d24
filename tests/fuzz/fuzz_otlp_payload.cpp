// libFuzzer target: the OTLP payload path as `prepare` and `run` use it. Bytes go through
// payload::load_events: gzip sniffing and inflation (inputs starting 1f 8b), the streaming JSON
// reader (documents back to back, JSON Lines) and the span -> event mapping. The events must
// survive the NDJSON round trip unchanged.

#include "fuzz_support.hpp"

using namespace kvonce;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  // Whole reads most of the time, small ones otherwise (the choice comes from the size, so the
  // input bytes stay a plain payload that seeds and crash files can be read as).
  const std::size_t step = size % 4 == 0 ? 1 + size % 13 : size + 1;
  fuzz::check_otlp_payload(bytes, step);
  return 0;
}

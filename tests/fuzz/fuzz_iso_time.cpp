// libFuzzer target: the ISO 8601 parser (NDJSON timestamps) and the u64 parser (OTLP start
// times). An accepted instant must format and parse back to itself at millisecond precision.
#include <string>

#include "kvonce/util/time.hpp"

#include "fuzz_support.hpp"

using namespace kvonce;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto nanos = parse_iso_nanos(text)) {
    const std::string formatted = format_iso_millis(*nanos);
    const auto again = parse_iso_nanos(formatted);
    FUZZ_CHECK(again);
    FUZZ_CHECK(*again == *nanos / 1'000'000 * 1'000'000);
  }
  if (const auto value = parse_u64(text)) {
    FUZZ_CHECK(std::to_string(*value).size() <= text.size());
  }
  return 0;
}

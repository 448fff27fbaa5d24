// libFuzzer target: the JSON reader's string scanning paths (json/string_scan). The same text is
// read with the portable path and with every vector path this CPU runs, from memory and streamed
// in small pieces; all must give the same compact text, or the same error at the same byte.
#include <string>

#include "kvonce/json/reader.hpp"
#include "kvonce/json/string_scan.hpp"

#include "fuzz_support.hpp"

using namespace kvonce;

namespace {

// Every document's compact copy, or the error's message (which names the byte and line).
std::string copy_all(json::Reader& reader) {
  std::string out;
  try {
    while (reader.next_document()) {
      reader.copy_value(out);
      out.push_back('\n');
    }
  } catch (const Error& e) {
    return std::string("error: ") + e.what();
  }
  return out;
}

std::string read_with(json::ScanPath path, std::string_view text, std::size_t step) {
  const io::ReadLimits limits = fuzz::small_limits();
  if (step == 0) {
    json::Reader reader(text, limits);
    FUZZ_CHECK(reader.use_scan_path(path));
    return copy_all(reader);
  }
  fuzz::TrickleSource source(text, step);
  json::Reader reader(source, limits);
  FUZZ_CHECK(reader.use_scan_path(path));
  return copy_all(reader);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::size_t step = 1 + size % 37;
  const std::string memory = read_with(json::ScanPath::portable, text, 0);
  const std::string streamed = read_with(json::ScanPath::portable, text, step);
  for (const json::ScanPath path :
       {json::ScanPath::sse2, json::ScanPath::avx2, json::ScanPath::neon}) {
    if (!json::plain_run_for(path)) continue;
    FUZZ_CHECK(read_with(path, text, 0) == memory);
    FUZZ_CHECK(read_with(path, text, step) == streamed);
  }
  return 0;
}

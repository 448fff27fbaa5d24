// libFuzzer target: json::Reader::copy_value. The same text is read twice, from memory and
// streamed in small pieces; both must accept or reject it alike and produce the same compact
// text, and that text must be a fixed point of reformat_compact.
#include <optional>
#include <string>

#include "kvonce/json/reader.hpp"

#include "fuzz_support.hpp"

using namespace kvonce;

namespace {

// Copies every document; nullopt when the reader rejects the text.
template <typename MakeReader>
std::optional<std::string> copy_all(MakeReader make) {
  std::string out;
  try {
    json::Reader reader = make();
    while (reader.next_document()) {
      reader.copy_value(out);
      out.push_back('\n');
    }
  } catch (const Error&) {
    return std::nullopt;
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const io::ReadLimits limits = fuzz::small_limits();
  fuzz::TrickleSource source(text, 1 + size % 7);
  const auto memory = copy_all([&] { return json::Reader(text, limits); });
  const auto streamed = copy_all([&] { return json::Reader(source, limits); });
  FUZZ_CHECK(memory.has_value() == streamed.has_value());
  if (!memory) return 0;
  FUZZ_CHECK(*memory == *streamed);
  // Each line is one compact value: reformatting it must change nothing.
  std::size_t start = 0;
  for (std::size_t nl = memory->find('\n'); nl != std::string::npos;
       nl = memory->find('\n', start)) {
    const std::string line = memory->substr(start, nl - start);
    std::string again;
    FUZZ_CHECK(json::reformat_compact(line, again, limits));
    FUZZ_CHECK(again == line);
    start = nl + 1;
  }
  return 0;
}

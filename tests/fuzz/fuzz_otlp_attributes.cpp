// libFuzzer target: the OTLP attribute decoder. An array is read as a span's attribute list
// (otlp::read_attributes), anything else as one AnyValue (otlp::read_any_value). Whatever is
// decoded must be compact JSON text that the JSON reader accepts and reproduces exactly (a
// string kept as text alone, for a slot read as text, once make_json has made its JSON).
#include <string>
#include <vector>

#include "kvonce/json/reader.hpp"
#include "kvonce/otlp/any_value.hpp"
#include "kvonce/otlp/span_fields.hpp"

#include "fuzz_support.hpp"

using namespace kvonce;

namespace {

void check_compact(const std::string& json_text) {
  std::string again;
  FUZZ_CHECK(json::reformat_compact(json_text, again, {}));
  FUZZ_CHECK(again == json_text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  json::Reader reader(text, fuzz::small_limits());
  try {
    if (!reader.next_document()) return 0;
    if (reader.peek() == json::Kind::array) {
      otlp::AttributeSet set;
      std::vector<std::string> problems;
      otlp::read_attributes(reader, set, problems);
      for (std::size_t s = 0; s < otlp::kSlotCount; ++s) {
        const auto slot = static_cast<otlp::Slot>(s);
        const otlp::AnyValue* v = set.get(slot);
        if (!v) continue;
        // A slot read as text alone may keep a string's text only: the JSON make_json gives it
        // must be as compact as any other; every other slot has its JSON made already.
        FUZZ_CHECK(otlp::text_only(slot) || !v->json.empty());
        otlp::AnyValue with_json = *v;
        otlp::make_json(with_json);
        check_compact(with_json.json);
      }
      for (const auto& [name, value] : set.flat_context) check_compact(value);
    } else {
      otlp::AnyValue value;
      otlp::read_any_value(reader, value);
      if (value.kind != otlp::AnyValue::Kind::absent) check_compact(value.json);
    }
  } catch (const Error&) {
  }
  return 0;
}

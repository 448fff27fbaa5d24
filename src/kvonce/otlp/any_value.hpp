// Decoding of OTLP/JSON AnyValue into JSON text.
//
// OTLP/JSON wraps every attribute value: {"stringValue":"x"}, {"intValue":"5"} (int64 as a string
// or a number, kept exactly), {"doubleValue":1.5}, {"boolValue":true}, {"bytesValue":"base64"},
// {"arrayValue":{"values":[AnyValue...]}}, {"kvlistValue":{"values":[{key,value}...]}} and the
// legacy {"mapValue":{"fields":[...]}}. snake_case spellings are accepted too. Unknown members are
// ignored; an AnyValue with no known member is "absent". A value not in that form is read as the
// JavaScript converter read it (see read_any_value).
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "kvonce/json/reader.hpp"

namespace kvonce::otlp {

struct AnyValue {
  enum class Kind { absent, null, string, boolean, integer, floating, bytes, array, kvlist };
  Kind kind = Kind::absent;
  // The decoded value as compact JSON text; for a string read with text_only (set_text), empty
  // until make_json().
  std::string json;
  std::string scalar;   // string/bool/number values as text ("5", "true", "x"); else empty
  std::string problem;  // why a value was dropped (for a warning), else empty

  void clear() {
    kind = Kind::absent;
    json.clear();
    scalar.clear();
    problem.clear();
  }
  // Exchanges buffers, keeping their capacity: three string swaps, where std::swap would make
  // nine string moves through a temporary (the hot path hands every decoded value over so).
  void swap(AnyValue& other) noexcept {
    std::swap(kind, other.kind);
    json.swap(other.json);
    scalar.swap(other.scalar);
    problem.swap(other.problem);
  }
};

// Reads one AnyValue object at the reader's position into `out` (cleared first). With
// `text_only`, a plain {"stringValue":...} keeps its text alone (set_text): for a value whose
// JSON nobody may read unless make_json() makes it.
void read_any_value(json::Reader& reader, AnyValue& out, bool text_only = false);

// A string kept as its text alone, its JSON not made: the mapping reads most attributes (type,
// key, actor) as text only, and quoting them was a tenth of reading a span.
void set_text(AnyValue& out, std::string_view text);
// The JSON of a string kept by set_text; any other value has its JSON already.
void make_json(AnyValue& v);

// Sets `out` to a scalar: its text, and its JSON (quoted as a string when `quote`). Shared by the
// JSON and protobuf readers.
void set_scalar(AnyValue& out, AnyValue::Kind kind, std::string_view scalar, bool quote);

// The next member of a key/value entry ({"key":..,"value":..}, an attribute or a kvlist entry):
// "key" and "value" as exporters write them are matched without reading their names.
inline bool next_entry_member(json::Reader& reader, std::string_view& member) {
  if (reader.next_member_is(R"("key":)")) {
    member = "key";
  } else if (reader.next_member_is(R"("value":)")) {
    member = "value";
  } else {
    return reader.next_member(member);
  }
  return true;
}

// Reads the value of a key/value list entry ({"key":..,"value":AnyValue}) into JSON members
// appended to `object_json` as "key":value (used by kvlistValue and the legacy mapValue). In the
// converter's form (mapValue) a missing key is "" and a missing value null; else such entries
// are left out.
void read_key_value_list(json::Reader& reader, std::string& object_json, std::size_t depth,
                         bool converter_form);

}  // namespace kvonce::otlp

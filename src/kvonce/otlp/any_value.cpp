#include "kvonce/otlp/any_value.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <deque>

#include "kvonce/util/js_number.hpp"
#include "kvonce/util/js_trim.hpp"
#include "kvonce/util/same_text.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::otlp {
namespace {

constexpr std::size_t kMaxValueDepth = 64;

using Kind = AnyValue::Kind;

void read_value_at(json::Reader& r, AnyValue& out, std::size_t depth, bool text_only = false);
struct DepthScratch;
DepthScratch& depth_scratch(std::size_t depth);
AnyValue& element_scratch(std::size_t depth);

// A JSON value the converter kept as it was (a bare "k", {"stringValue":5}, {"boolValue":null}):
// a string, number or boolean is a scalar, null is null, an object or array its JSON.
void read_plain_json(json::Reader& r, AnyValue& out) {
  out.clear();
  switch (r.peek()) {
    case json::Kind::string: set_scalar(out, Kind::string, r.string(), true); return;
    case json::Kind::number: {
      const std::string_view text = r.number();
      set_scalar(out, Kind::floating, js_number_to_string(js_parse_json_number(text)), false);
      out.json.assign(text);
      return;
    }
    case json::Kind::boolean:
      set_scalar(out, Kind::boolean, r.boolean() ? "true" : "false", false);
      return;
    case json::Kind::null:
      r.null();
      out.kind = Kind::null;
      out.json = "null";
      return;
    case json::Kind::object: out.kind = Kind::kvlist; break;
    case json::Kind::array: out.kind = Kind::array; break;
  }
  r.copy_value(out.json);
}

// {"values":[AnyValue,...]}: false when it has no "values" array (the last "values" counts). An
// element with nothing the converter reads is null, as JSON.stringify writes undefined in arrays.
bool read_array_values(json::Reader& r, AnyValue& out, std::size_t depth) {
  out.json = "[";
  bool valid = false;
  r.begin_object();
  std::string_view member;
  AnyValue& element = element_scratch(depth);
  while (r.next_member(member)) {
    if (member != "values") {
      r.skip();
      continue;
    }
    out.json.resize(1);
    valid = r.peek() == json::Kind::array;
    if (!valid) {
      r.skip();
      continue;
    }
    r.begin_array();
    bool first = true;
    while (r.next_element()) {
      read_value_at(r, element, depth + 1);
      if (!first) out.json.push_back(',');
      first = false;
      out.json += element.kind == Kind::absent ? "null" : element.json;
    }
  }
  out.json.push_back(']');
  return valid;
}

// {"fields":[{"key":k,"value":AnyValue},...]} (legacy mapValue, read by the converter) or
// {"values":[...]} (kvlistValue, which only kvonce-trace reads); false without that array.
bool read_kvlist(json::Reader& r, AnyValue& out, std::string_view list_member, std::size_t depth) {
  out.json = "{";
  bool valid = false;
  r.begin_object();
  std::string_view member;
  while (r.next_member(member)) {
    if (member != list_member) {
      r.skip();
      continue;
    }
    out.json.resize(1);
    valid = r.peek() == json::Kind::array;
    if (!valid) {
      r.skip();
      continue;
    }
    read_key_value_list(r, out.json, depth + 1, list_member == "fields");
  }
  out.json.push_back('}');
  return valid;
}

// intValue read as the JavaScript converter read it, Number(intValue), so nothing is dropped: an
// int64 beyond 2^53 or beyond int64, "0x1F", "1.5", "" (0) or "abc" (NaN). As JSON the value is
// the exact integer when the text is one (so spec judges 10^21 as an integer), else the double
// as JSON.stringify writes it (null for NaN and the infinities); as text it is String(number).
void read_int_value(json::Reader& r, AnyValue& out) {
  double number = std::nan("");
  std::string_view exact;
  switch (r.peek()) {
    case json::Kind::string: {
      const std::string_view text = r.string();
      number = js_string_to_number(text);
      exact = js_trim(text);
      break;
    }
    case json::Kind::number:
      exact = r.number();
      number = js_parse_json_number(exact);
      break;
    case json::Kind::boolean: number = r.boolean() ? 1 : 0; break;
    case json::Kind::null:
      r.null();
      number = 0;
      break;
    default: r.skip();  // an object or array: NaN (JavaScript differs only for [] and [n])
  }
  out.kind = Kind::integer;
  if (!exact.empty() && is_plain_integer(exact)) {
    // Leading zeros are not JSON; the sign of zero is not kept, as JSON.stringify drops it.
    const bool negative = exact.front() == '-';
    std::string_view digits = exact.substr(negative ? 1 : 0);
    digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size() - 1));
    out.json.clear();
    if (negative && digits != "0") out.json.push_back('-');
    out.json.append(digits);
    // Below 2^53 (15 digits are) String(Number(text)) prints the same digits: no double to format.
    out.scalar = digits.size() <= 15 ? out.json : js_number_to_string(number);
    return;
  }
  set_scalar(out, Kind::integer, js_number_to_string(number), false);
  if (!std::isfinite(number)) out.json = "null";
}

// The members of an AnyValue in the converter's precedence (it tested them in this order, not in
// the order they come): stringValue > intValue > doubleValue > boolValue > arrayValue > mapValue.
// kvlistValue and bytesValue, which it could not read, come next, then the snake_case spellings.
enum Rank : unsigned { kString, kInt, kDouble, kBool, kArray, kMap, kKvlist, kBytes, kRanks = 16 };

unsigned rank_of(std::string_view m) {
  static constexpr std::string_view kNames[kRanks] = {
      "stringValue", "intValue",   "doubleValue",  "boolValue",  "arrayValue",   "mapValue",
      "kvlistValue", "bytesValue", "string_value", "int_value",  "double_value", "bool_value",
      "array_value", "map_value",  "kvlist_value", "bytes_value"};
  for (unsigned i = 0; i < kRanks; ++i) {
    if (m.size() == kNames[i].size() && same_text(m.data(), kNames[i].data(), m.size())) return i;
  }
  return kRanks;
}

// Decodes one member into `out`; false when the converter would not take it (an arrayValue
// without a values array, a mapValue without fields, a bytesValue that is not a string).
bool read_ranked_member(json::Reader& r, unsigned rank, AnyValue& out, std::size_t depth) {
  out.clear();
  switch (rank % 8) {
    case kString:
    case kBool: read_plain_json(r, out); return true;
    case kInt: read_int_value(r, out); return true;
    case kDouble:
      // proto3 JSON spells NaN and the infinities as strings: text, as String(value) is too.
      if (r.peek() == json::Kind::string) {
        set_scalar(out, Kind::floating, r.string(), true);
      } else {
        read_plain_json(r, out);
      }
      return true;
    case kBytes:
      if (r.peek() != json::Kind::string) break;
      set_scalar(out, Kind::bytes, r.string(), true);
      return true;
    default:  // kArray, kMap, kKvlist
      if (r.peek() != json::Kind::object) break;
      out.kind = rank % 8 == kArray ? Kind::array : Kind::kvlist;
      return rank % 8 == kArray
                 ? read_array_values(r, out, depth)
                 : read_kvlist(r, out, rank % 8 == kMap ? "fields" : "values", depth);
  }
  r.skip();
  return false;
}

// What decoding at one nesting depth works in, reused so that buffers keep their capacity (a
// kvlistValue context on every span allocated its entries' strings anew for each span). A deque
// keeps the entries of outer depths in place while inner ones are added; depths only grow along
// a chain of calls, so no two active calls share one.
struct DepthScratch {
  std::array<AnyValue, kRanks> ranked;  // one per member rank of an AnyValue object
  AnyValue element;                     // an arrayValue's element, a list entry's value
  std::string key;                      // a list entry's key
};

DepthScratch& depth_scratch(std::size_t depth) {
  thread_local std::deque<DepthScratch> scratch;
  while (scratch.size() <= depth) scratch.emplace_back();
  return scratch[depth];
}

std::array<AnyValue, kRanks>& rank_scratch(std::size_t depth) {
  return depth_scratch(depth).ranked;
}

AnyValue& element_scratch(std::size_t depth) {
  return depth_scratch(depth).element;
}

// An attribute value read as the converter's extractAttributeValue read it: null is null, a
// string, number or boolean is itself, an array is nothing, and an object is its first member
// in precedence order (a later member of the same name replaces an earlier one, as in
// JSON.parse); an object with none of them is absent.
void read_value_at(json::Reader& r, AnyValue& out, std::size_t depth, bool text_only) {
  out.clear();
  if (depth > kMaxValueDepth) {
    r.error("attribute value nested deeper than " + std::to_string(kMaxValueDepth) + " levels");
  }
  const json::Kind kind = r.peek();
  if (kind == json::Kind::array) return r.skip();
  if (kind != json::Kind::object) return read_plain_json(r, out);
  std::array<AnyValue, kRanks>& ranked = rank_scratch(depth);
  std::uint32_t taken = 0;  // bit per rank whose last member the converter would take
  r.begin_object();
  // The form exporters write, {"stringValue":"text"}, is decoded straight into `out`; should
  // another member follow, it goes to its rank and the general path below decides.
  bool in_out = false;
  if (r.next_member_is(R"("stringValue":)")) {
    if (r.peek() == json::Kind::string) {
      if (text_only) {
        set_text(out, r.string());
      } else {
        set_scalar(out, Kind::string, r.string(), true);
      }
      in_out = true;
    } else if (read_ranked_member(r, kString, ranked[kString], depth)) {
      taken = 1u << kString;
    }
  }
  std::string_view member;
  while (r.next_member(member)) {
    if (in_out) {
      out.swap(ranked[kString]);
      out.clear();
      taken = 1u << kString;
      in_out = false;
    }
    const unsigned rank = rank_of(member);
    if (rank == kRanks) {
      r.skip();
      continue;
    }
    const std::uint32_t bit = 1u << rank;
    taken = read_ranked_member(r, rank, ranked[rank], depth) ? taken | bit : taken & ~bit;
  }
  if (in_out || taken == 0) return;
  out.swap(ranked[static_cast<unsigned>(std::countr_zero(taken))]);
}

}  // namespace

// Assigns in place so the buffers of a reused AnyValue keep their capacity (hot path).
void set_scalar(AnyValue& out, AnyValue::Kind kind, std::string_view scalar, bool quote) {
  out.kind = kind;
  out.scalar.assign(scalar);
  out.json.clear();
  if (quote) {
    append_json_string(out.json, scalar);
  } else {
    out.json.assign(scalar);
  }
}

void read_any_value(json::Reader& reader, AnyValue& out, bool text_only) {
  read_value_at(reader, out, 0, text_only);
}

void set_text(AnyValue& out, std::string_view text) {
  out.kind = Kind::string;
  out.scalar.assign(text);
  out.json.clear();
}

void make_json(AnyValue& v) {
  if (v.kind == Kind::string && v.json.empty()) append_json_string(v.json, v.scalar);
}

namespace {

// String(value) of a JSON value that is not a string: a number as JavaScript prints it, true,
// false, null, "[object Object]"; an array is its elements joined (here: its JSON, a rare case).
std::string js_string_of(json::Reader& r) {
  AnyValue v;
  read_plain_json(r, v);
  switch (v.kind) {
    case Kind::null: return "null";
    case Kind::kvlist: return "[object Object]";
    case Kind::array: return v.json;
    default: return v.scalar;
  }
}

}  // namespace

void read_key_value_list(json::Reader& r, std::string& object_json, std::size_t depth,
                         bool converter_form) {
  r.begin_array();
  DepthScratch& scratch = depth_scratch(depth);
  std::string& key = scratch.key;
  AnyValue& value = scratch.element;
  while (r.next_element()) {
    key.clear();
    value.clear();
    bool has_key = false, has_value = false;
    if (r.peek() != json::Kind::object) {
      // The converter destructured {key = "", value = null} from it: "" and null (it failed on
      // a null element).
      const bool null = r.peek() == json::Kind::null;
      r.skip();
      if (!converter_form || null) continue;
      has_key = has_value = true;
      value.kind = Kind::null;
      value.json = "null";
    } else {
      r.begin_object();
      std::string_view member;
      while (next_entry_member(r, member)) {
        if (member == "key" && r.peek() == json::Kind::string) {
          key = r.string();
          has_key = true;
        } else if (member == "key" && converter_form) {
          key = js_string_of(r);  // an object's member name is String(key)
        } else if (member == "value") {
          read_value_at(r, value, depth + 1);
          has_value = true;
        } else {
          r.skip();
        }
      }
    }
    if (converter_form) {
      // A missing key is "", a missing value null, as the converter's defaults gave them.
      has_key = true;
      if (!has_value) {
        value.kind = Kind::null;
        value.json = "null";
      }
    }
    if (!has_key || value.kind == Kind::absent) continue;
    if (object_json.back() != '{') object_json.push_back(',');
    append_json_string(object_json, key);
    object_json.push_back(':');
    object_json += value.json;
  }
}

}  // namespace kvonce::otlp

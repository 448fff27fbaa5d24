#include "kvonce/otlp/any_value.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "kvonce/util/js_number.hpp"
#include "kvonce/util/js_trim.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::otlp {
namespace {

constexpr std::size_t kMaxValueDepth = 64;

using Kind = AnyValue::Kind;

void read_value_at(json::Reader& r, AnyValue& out, std::size_t depth);

void read_array_values(json::Reader& r, AnyValue& out, std::size_t depth) {
  // {"values":[AnyValue,...]}
  out.json = "[";
  bool first = true;
  r.begin_object();
  std::string_view member;
  while (r.next_member(member)) {
    if (member != "values" || r.peek() != json::Kind::array) {
      r.skip();
      continue;
    }
    r.begin_array();
    AnyValue element;
    while (r.next_element()) {
      read_value_at(r, element, depth + 1);
      if (element.kind == Kind::absent) continue;  // an empty AnyValue has nothing to keep
      if (!first) out.json.push_back(',');
      first = false;
      out.json += element.json;
    }
  }
  out.json.push_back(']');
}

void read_kvlist(json::Reader& r, AnyValue& out, std::string_view list_member, std::size_t depth) {
  // {"values":[{"key":k,"value":AnyValue},...]} or legacy {"fields":[...]}
  out.json = "{";
  r.begin_object();
  std::string_view member;
  while (r.next_member(member)) {
    if (member != list_member || r.peek() != json::Kind::array) {
      r.skip();
      continue;
    }
    read_key_value_list(r, out.json, depth + 1);
  }
  out.json.push_back('}');
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
  const std::string text = js_number_to_string(number);
  set_scalar(out, Kind::integer, text, false);
  if (!exact.empty() && is_plain_integer(exact)) {
    // Leading zeros are not JSON; the sign of zero is not kept, as JSON.stringify drops it.
    const bool negative = exact.front() == '-';
    std::string_view digits = exact.substr(negative ? 1 : 0);
    digits.remove_prefix(std::min(digits.find_first_not_of('0'), digits.size() - 1));
    out.json.clear();
    if (negative && digits != "0") out.json.push_back('-');
    out.json.append(digits);
  } else if (!std::isfinite(number)) {
    out.json = "null";
  }
}

void read_member(json::Reader& r, std::string_view m, AnyValue& out, std::size_t depth) {
  if (m == "stringValue" || m == "string_value" || m == "bytesValue" || m == "bytes_value") {
    if (r.peek() != json::Kind::string) return r.skip();
    const Kind kind = m[0] == 's' ? Kind::string : Kind::bytes;
    set_scalar(out, kind, r.string(), true);
  } else if (m == "boolValue" || m == "bool_value") {
    if (r.peek() != json::Kind::boolean) return r.skip();
    const bool b = r.boolean();
    set_scalar(out, Kind::boolean, b ? "true" : "false", false);
  } else if (m == "intValue" || m == "int_value") {
    read_int_value(r, out);
  } else if (m == "doubleValue" || m == "double_value") {
    const json::Kind k = r.peek();
    if (k == json::Kind::number) {
      // Exact as JSON; as text (a type, key or actor), String(number) as the converter printed.
      const std::string_view text = r.number();
      set_scalar(out, Kind::floating, js_number_to_string(js_parse_json_number(text)), false);
      out.json.assign(text);
    } else if (k == json::Kind::string) {  // proto3 JSON spells NaN and the infinities as strings
      set_scalar(out, Kind::floating, r.string(), true);
    } else {
      r.skip();
    }
  } else if (m == "arrayValue" || m == "array_value") {
    if (r.peek() != json::Kind::object) return r.skip();
    out.clear();
    out.kind = Kind::array;
    read_array_values(r, out, depth);
  } else if (m == "kvlistValue" || m == "kvlist_value" || m == "mapValue" || m == "map_value") {
    if (r.peek() != json::Kind::object) return r.skip();
    const std::string_view list = m[0] == 'k' ? "values" : "fields";
    out.clear();
    out.kind = Kind::kvlist;
    read_kvlist(r, out, list, depth);
  } else {
    r.skip();
  }
}

void read_value_at(json::Reader& r, AnyValue& out, std::size_t depth) {
  out.clear();
  if (depth > kMaxValueDepth) {
    r.error("attribute value nested deeper than " + std::to_string(kMaxValueDepth) + " levels");
  }
  if (r.peek() != json::Kind::object) {
    r.skip();  // not an AnyValue: nothing to decode
    return;
  }
  r.begin_object();
  std::string_view member;
  while (r.next_member(member)) {
    // Copy the name: decoding the value reuses the reader's member buffer.
    char name[24];
    const std::size_t n = std::min(member.size(), sizeof name);
    std::copy_n(member.data(), n, name);
    read_member(r, std::string_view(name, n), out, depth);
  }
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

void read_any_value(json::Reader& reader, AnyValue& out) {
  read_value_at(reader, out, 0);
}

void read_key_value_list(json::Reader& r, std::string& object_json, std::size_t depth) {
  r.begin_array();
  std::string key;
  AnyValue value;
  while (r.next_element()) {
    key.clear();
    value.clear();
    bool has_key = false;
    r.begin_object();
    std::string_view member;
    while (r.next_member(member)) {
      if (member == "key" && r.peek() == json::Kind::string) {
        key = r.string();
        has_key = true;
      } else if (member == "value") {
        read_value_at(r, value, depth + 1);
      } else {
        r.skip();
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

#include "kvonce/rules/compat_key.hpp"

#include "kvonce/json/reader.hpp"
#include "kvonce/util/js_number.hpp"

namespace kvonce::rules {
namespace {

void append_js_string(json::Reader& r, std::string& out) {
  switch (r.peek()) {
    case json::Kind::string: out += r.string(); return;
    case json::Kind::number: out += js_number_to_string(js_parse_json_number(r.number())); return;
    case json::Kind::boolean: out += r.boolean() ? "true" : "false"; return;
    case json::Kind::null:
      r.null();
      out += "null";
      return;
    case json::Kind::object:
      r.skip();
      out += "[object Object]";
      return;
    case json::Kind::array: {
      // Array.prototype.join: elements separated by ",", null (and undefined) as "".
      r.begin_array();
      bool first = true;
      while (r.next_element()) {
        if (!first) out += ',';
        first = false;
        if (r.peek() == json::Kind::null) {
          r.null();
        } else {
          append_js_string(r, out);  // bounded by the depth the event's reader accepted
        }
      }
      return;
    }
  }
}

}  // namespace

std::string js_to_string(std::string_view value) {
  json::Reader r(value, {});
  std::string out;
  append_js_string(r, out);
  return out;
}

CompatKey compat_key(FieldForm form, std::string_view key) {
  if (form == FieldForm::text) return {std::string(key), std::string(key)};
  if (form == FieldForm::missing) return {"unknown", "unknown"};
  std::string name = js_to_string(key);
  switch (key.front()) {
    case '{':
    case '[': return {std::string(), std::move(name)};
    case 't':
    case 'f': return {"\x01" + name, std::move(name)};
    default: return {"\x02" + name, std::move(name)};  // a number: -0 and 0 print alike
  }
}

}  // namespace kvonce::rules

// Keys as the JavaScript validator saw them. Its projector grouped events in a Map by
// `event.key ?? 'unknown'`, then wrote the Map with Object.fromEntries, which names each entry
// String(key): so the number 10 and the string "10" are two entries that collapse into one
// member "10" (the entry made later wins), 10 and 1e1 are one entry, and null or absent keys
// join the string key "unknown".
#pragma once

#include <string>
#include <string_view>

#include "kvonce/event/event.hpp"

namespace kvonce::rules {

struct CompatKey {
  // The Map's identity of the key: equal identities are one entry. Strings are themselves;
  // numbers and booleans are tagged so they never equal a string; objects and arrays are unique
  // per event (Map compares them by reference), shown by an empty identity.
  std::string identity;
  std::string name;  // String(key): the member name in the projection, and the key
};

// For keys given as text or missing (the common case) identity and name are the text itself (or
// "unknown"); callers may skip this and use the event's text directly.
CompatKey compat_key(FieldForm form, std::string_view key);

// String(value) of a JSON value: numbers as Number::toString, arrays joined with "," (null
// elements empty), objects "[object Object]".
std::string js_to_string(std::string_view json);

}  // namespace kvonce::rules

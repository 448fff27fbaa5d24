// compat's keys: the JavaScript Map identity and String(key) of an NDJSON key.
#include <catch2/catch.hpp>

#include "kvonce/rules/compat_key.hpp"

using namespace kvonce;
using namespace kvonce::rules;

TEST_CASE("compat key: String() of a JSON value, as JavaScript prints it") {
  CHECK(js_to_string("10") == "10");
  CHECK(js_to_string("1e1") == "10");
  CHECK(js_to_string("-0") == "0");
  CHECK(js_to_string("1e21") == "1e+21");
  CHECK(js_to_string("1e400") == "Infinity");
  CHECK(js_to_string("true") == "true");
  CHECK(js_to_string(R"({"a":1})") == "[object Object]");
  CHECK(js_to_string(R"([1,null,[2,"x",[]],{},true])") == "1,,2,x,,[object Object],true");
  CHECK(js_to_string("[]") == "");
  CHECK(js_to_string(R"("s")") == "s");
}

TEST_CASE("compat key: identities keep numbers, booleans and strings apart") {
  CHECK(compat_key(FieldForm::text, "10").name == "10");
  CHECK(compat_key(FieldForm::missing, "").name == "unknown");
  CHECK(compat_key(FieldForm::missing, "").identity == "unknown");
  const CompatKey ten = compat_key(FieldForm::json, "10");
  CHECK(ten.name == "10");
  CHECK(ten.identity == compat_key(FieldForm::json, "1e1").identity);
  CHECK(ten.identity != compat_key(FieldForm::json, "true").identity);
  CHECK(compat_key(FieldForm::json, "-0").identity == compat_key(FieldForm::json, "0").identity);
  CHECK(compat_key(FieldForm::json, "{}").identity.empty());  // a new entry every time
  CHECK(compat_key(FieldForm::json, "[1]").identity.empty());
}

// JavaScript's numbers: Number::toString, JSON.parse and Number(string), as Node.js gives them.
#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

#include "kvonce/util/js_number.hpp"
#include "kvonce/util/strings.hpp"

using namespace kvonce;

TEST_CASE("js_number_to_string follows ECMAScript Number::toString") {
  // Each pair: a value, and what String(value) gives in Node.js.
  const std::pair<double, const char*> cases[] = {
      {0.0, "0"},
      {-0.0, "0"},
      {1, "1"},
      {-1, "-1"},
      {1.5, "1.5"},
      {0.1, "0.1"},
      {0.1 + 0.2, "0.30000000000000004"},
      {1e-6, "0.000001"},
      {1e-7, "1e-7"},
      {1.5e-7, "1.5e-7"},
      {-1e-7, "-1e-7"},
      {0.000001234, "0.000001234"},
      {123456789012345678901.0, "123456789012345680000"},
      {9223372036854775807.0, "9223372036854776000"},
      {12345678901234567890.0, "12345678901234567000"},
      {1e20, "100000000000000000000"},
      {1e21, "1e+21"},
      {123e-20, "1.23e-18"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {9007199254740992.0, "9007199254740992"},
      {1234.5678, "1234.5678"},
      {1.0 / 3, "0.3333333333333333"},
      {4.35, "4.35"},
      {100, "100"},
  };
  for (const auto& [value, text] : cases) {
    INFO(text);
    CHECK(js_number_to_string(value) == text);
  }
  CHECK(js_number_to_string(std::numeric_limits<double>::infinity()) == "Infinity");
  CHECK(js_number_to_string(-std::numeric_limits<double>::infinity()) == "-Infinity");
  CHECK(js_number_to_string(std::nan("")) == "NaN");
}

TEST_CASE("format_number prints JavaScript's text and null for non-finite values") {
  CHECK(format_number(-0.0) == "0");
  CHECK(format_number(1e-6) == "0.000001");
  CHECK(format_number(1e-7) == "1e-7");
  CHECK(format_number(0.333) == "0.333");
  CHECK(format_number(std::numeric_limits<double>::infinity()) == "null");
}

TEST_CASE("js_parse_json_number rounds as JSON.parse, overflowing to Infinity and 0") {
  CHECK(js_parse_json_number("10") == 10);
  CHECK(js_parse_json_number("1e1") == 10);
  CHECK(js_parse_json_number("9007199254740993") == 9007199254740992.0);
  CHECK(js_parse_json_number("1e400") == std::numeric_limits<double>::infinity());
  CHECK(js_parse_json_number("-1e400") == -std::numeric_limits<double>::infinity());
  CHECK(js_parse_json_number("0.0000001e400") == std::numeric_limits<double>::infinity());
  CHECK(js_parse_json_number("1e-400") == 0);
  CHECK(std::signbit(js_parse_json_number("-1e-400")));
  CHECK(js_parse_json_number("100000e-405") == 0);
  CHECK(js_parse_json_number("4.9e-324") == 5e-324);
  CHECK(js_parse_json_number("1.7976931348623157e308") == 1.7976931348623157e308);
}

TEST_CASE("js_string_to_number follows StringToNumber") {
  CHECK(js_string_to_number("0x1F") == 31);
  CHECK(js_string_to_number("0b101") == 5);
  CHECK(js_string_to_number("0o17") == 15);
  CHECK(js_string_to_number(" 7 ") == 7);
  CHECK(js_string_to_number("\u00a05\u3000") == 5);
  CHECK(js_string_to_number("") == 0);
  CHECK(js_string_to_number("  ") == 0);
  CHECK(js_string_to_number("+5") == 5);
  CHECK(js_string_to_number("5.") == 5);
  CHECK(js_string_to_number(".5") == 0.5);
  CHECK(js_string_to_number("1e400") == std::numeric_limits<double>::infinity());
  CHECK(js_string_to_number("-Infinity") == -std::numeric_limits<double>::infinity());
  CHECK(js_string_to_number("12345678901234567890123") == 1.2345678901234568e22);
  for (const char* nan :
       {"abc", "-0x10", "1_000", "\u0085 5", "inf", "nan", "0x", ".", "1e", "--1"}) {
    INFO(nan);
    CHECK(std::isnan(js_string_to_number(nan)));
  }
}

TEST_CASE("is_plain_integer accepts digits with an optional minus sign only") {
  CHECK(is_plain_integer("12"));
  CHECK(is_plain_integer("-007"));
  CHECK_FALSE(is_plain_integer("-"));
  CHECK_FALSE(is_plain_integer("1e3"));
  CHECK_FALSE(is_plain_integer("1.0"));
  CHECK_FALSE(is_plain_integer("+1"));
}

// Numbers as JavaScript reads and prints them, for the `compat` profile and the OTLP converter's
// rules: the replaced pipeline ran on Node.js, so its verdicts and messages depend on
// Number::toString, JSON.parse and Number(string).
#pragma once

#include <string>
#include <string_view>

namespace kvonce {

// ECMAScript Number::toString(10): the shortest digits that round-trip, in JavaScript's layout:
// "0" for -0, "1e-7", "0.000001", "123456789012345680000", "1e+21", "NaN", "Infinity".
std::string js_number_to_string(double value);

// The double JSON.parse gives for a JSON number text: correctly rounded, beyond the double range
// Infinity (or -Infinity), below it 0 (or -0). The text must match the JSON number grammar.
double js_parse_json_number(std::string_view text);

// Number(text) for a string (ECMAScript StringToNumber): surrounding JavaScript white space is
// ignored, "" is 0, 0x/0o/0b prefixes, [+-]Infinity, decimal literals such as "5.", ".5" and
// "1e3"; anything else is NaN.
double js_string_to_number(std::string_view text);

// Whether a JSON number text is an integer in canonical decimal form: an optional minus sign and
// digits without a fraction or exponent ("-12", "007").
bool is_plain_integer(std::string_view text);

}  // namespace kvonce

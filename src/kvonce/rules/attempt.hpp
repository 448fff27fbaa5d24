// The attempt number an event's context carries, as each profile reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvonce::rules {

// An integer attempt as spec reads it: the exact value of the JSON number, whatever its size.
struct SpecAttempt {
  std::optional<std::int64_t> value;  // empty when the integer is beyond int64
  std::string text;                   // as messages print it: digits, or the number as written

  bool operator==(std::int64_t n) const { return value == n; }
};

// spec: an integer context -> it; an object -> its integer "attempts", else its integer
// "attempt"; a string holding a JSON object is parsed first. A number is an integer when its
// exact decimal value is one: 2.0, 2e0 and 1e400 are, 1.5 and 1e-400 are not; "2" and booleans
// are not numbers.
std::optional<SpecAttempt> spec_attempt(std::optional<std::string_view> context_json);

// compat (the JavaScript validator): a number context -> it; an object -> its numeric "attempt",
// else its numeric "attempts"; any number counts, strings are not parsed. Numbers are read as
// JSON.parse reads them, and a number beyond the double range (Infinity) counts as no number:
// the replaced pipeline wrote its projection with JSON.stringify, which turns it into null.
std::optional<double> compat_attempt(std::optional<std::string_view> context_json);

}  // namespace kvonce::rules

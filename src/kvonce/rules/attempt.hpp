// The attempt number an event's context carries, as each profile reads it.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace kvonce::rules {

// spec: an integer context -> it; an object -> its integer "attempts", else its integer
// "attempt"; a string holding a JSON object is parsed first. Integral numbers such as 2.0 count;
// 1.5, "2", booleans and integers beyond int64 do not.
std::optional<std::int64_t> spec_attempt(std::optional<std::string_view> context_json);

// compat (the JavaScript validator): a number context -> it; an object -> its numeric "attempt",
// else its numeric "attempts"; any number counts, strings are not parsed.
std::optional<double> compat_attempt(std::optional<std::string_view> context_json);

}  // namespace kvonce::rules

// Timestamps: OTLP's unsigned 64-bit nanoseconds since the Unix epoch <-> ISO 8601 UTC text.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvonce {

// "2025-10-09T08:53:20.000Z": milliseconds, truncated (never rounded up into the next second).
std::string format_iso_millis(std::uint64_t unix_nanos);
// Appends the same 24 characters to out, without allocating.
void append_iso_millis(std::string& out, std::uint64_t unix_nanos);

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" (also ' ' or 't' as separator, 'z').
// Returns nullopt for anything else and for instants outside 1970-01-01 .. 2^64-1 ns.
std::optional<std::uint64_t> parse_iso_nanos(std::string_view text);

// Parses a decimal unsigned 64-bit integer (no sign, no exponent); nullopt on overflow or junk.
std::optional<std::uint64_t> parse_u64(std::string_view text);

// An instant as ISO 8601 UTC with milliseconds (format_iso_millis); instants before the epoch
// are given as the epoch.
std::string iso_of(std::chrono::system_clock::time_point when);

}  // namespace kvonce

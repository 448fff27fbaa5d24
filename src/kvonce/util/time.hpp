// Timestamps: OTLP's unsigned 64-bit nanoseconds since the Unix epoch <-> ISO 8601 UTC text.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kvonce {

// A signed instant: nanoseconds since the Unix epoch. OTLP's unsigned 64-bit times (1970..2554)
// and ISO 8601 times of the years 0000..9999 (about -2^65.8 .. 2^67.8 ns) both fit.
__extension__ typedef __int128 Nanos;

// Whether an instant is an OTLP time (0 .. 2^64-1 ns: 1970-01-01 .. 2554-07-21).
bool is_unix_u64(Nanos unix_nanos);

// The millisecond an instant lies in, counted from the epoch: floored, so that an instant before
// the epoch belongs to the millisecond before it. For instants of the years 0000..9999.
std::int64_t floor_millis(Nanos unix_nanos);

// "2025-10-09T08:53:20.000Z": milliseconds, truncated toward the past (never rounded up into the
// next second). For instants of the years 0000..9999.
std::string format_iso_millis(Nanos unix_nanos);
// Appends the same 24 characters to out, without allocating.
void append_iso_millis(std::string& out, Nanos unix_nanos);
// Writes them at p (the writers' cursor form) and returns p + 24.
inline constexpr std::size_t kIsoMillisBytes = 24;
char* put_iso_millis(char* p, Nanos unix_nanos);

// Parses "YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)" (also ' ' or 't' as separator, 'z').
// Returns nullopt for anything else and for instants outside 0000-01-01 .. 9999-12-31 (UTC).
std::optional<Nanos> parse_iso_instant(std::string_view text);
// The same for instants 1970-01-01 .. 2^64-1 ns only.
std::optional<std::uint64_t> parse_iso_nanos(std::string_view text);

// Parses a decimal unsigned 64-bit integer (no sign, no exponent); nullopt on overflow or junk.
std::optional<std::uint64_t> parse_u64(std::string_view text);
// A JSON number's exact value when it is an integer in 0 .. 2^64-1 ("1.76e18", "17600e-2",
// "-0"); nullopt for fractions, negatives and larger values. `number` follows the JSON grammar.
std::optional<std::uint64_t> json_number_u64(std::string_view number);

// An instant as ISO 8601 UTC with milliseconds (format_iso_millis); instants before the epoch
// are given as the epoch.
std::string iso_of(std::chrono::system_clock::time_point when);

}  // namespace kvonce

// Small string helpers shared by the readers and writers.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace kvonce {

// Trims ASCII and JSON whitespace (space, tab, CR, LF, VT, FF) from both ends.
std::string_view trim(std::string_view s);

// ASCII lower-case copy.
std::string to_lower_ascii(std::string_view s);

// Appends the UTF-8 encoding of a Unicode code point (cp <= 0x10FFFF, not a surrogate).
void append_utf8(std::string& out, std::uint32_t cp);

// Appends the decimal text of n without a temporary string (the writers' per-event paths).
void append_uint(std::string& out, std::uint64_t n);

// Appends s as a JSON string literal (with quotes); s must be valid UTF-8, where a lone UTF-16
// surrogate may stand as its three-byte form (WTF-8), written as its \u escape.
void append_json_string(std::string& out, std::string_view s);

// The writers' cursor forms of the two above: write at `p`, which has room for the bound, and
// return the end of what was written.
inline constexpr std::size_t kUintBound = 20;
constexpr std::size_t json_string_bound(std::size_t bytes) {
  return 6 * bytes + 2;  // every byte a \u00XX escape, and the quotes
}
char* put_uint(char* p, std::uint64_t n);
char* put_json_string(char* p, std::string_view s);
// Copies a literal or text without its terminating NUL.
inline char* put_text(char* p, std::string_view text) {
  std::memcpy(p, text.data(), text.size());
  return p + text.size();
}
std::string json_quote(std::string_view s);

// A double as JavaScript prints it ("2", "1.5", "1e-7"); non-finite values print as JSON null.
std::string format_number(double value);

}  // namespace kvonce

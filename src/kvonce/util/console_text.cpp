#include "kvonce/util/console_text.hpp"

#include <cstdint>
#include <cstdio>

namespace kvonce {
namespace {

void append_hex_byte(std::string& out, unsigned char byte) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", byte);
  out += buf;
}

void append_code_point_escape(std::string& out, std::uint32_t cp) {
  char buf[12];
  std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
  out += buf;
}

void append_control(std::string& out, unsigned char c) {
  switch (c) {
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default: append_hex_byte(out, c);
  }
}

// Code points that change how the rest of a line is shown or where it ends.
bool is_invisible_control(std::uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c || cp == 0x200e || cp == 0x200f ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

// Length of the well-formed UTF-8 sequence at text[i] (2..4) and its code point; 0 if the
// bytes there are not one (overlong forms, surrogates and truncated sequences included).
std::size_t utf8_sequence(std::string_view text, std::size_t i, std::uint32_t& cp) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const unsigned char lead = byte(0);
  std::size_t len = 0;
  if (lead >= 0xc2 && lead <= 0xdf) {
    len = 2;
    cp = lead & 0x1fu;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    len = 3;
    cp = lead & 0x0fu;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    len = 4;
    cp = lead & 0x07u;
  } else {
    return 0;
  }
  if (i + len > text.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    if ((byte(k) & 0xc0u) != 0x80u) return 0;
    cp = (cp << 6) | (byte(k) & 0x3fu);
  }
  const bool overlong = (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000);
  const bool invalid = cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff);
  return overlong || invalid ? 0 : len;
}

// A line whose first non-blank characters are "::" is a workflow command to the Actions runner.
bool starts_like_a_command(std::string_view text) {
  const std::size_t first = text.find_first_not_of(" \t");
  return first != std::string_view::npos && text.substr(first, 2) == "::";
}

}  // namespace

std::string console_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  const std::size_t command_colon =
      starts_like_a_command(text) ? text.find(':') : std::string_view::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (i == command_colon) {
      out += "\\x3a";
    } else if (c < 0x20 || c == 0x7f) {
      append_control(out, c);
    } else if (c == '#' && text.substr(i, 3) == "##[") {
      out += "#\\x23[";
      i += 2;
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      std::uint32_t cp = 0;
      const std::size_t len = utf8_sequence(text, i, cp);
      if (len == 0) {
        append_hex_byte(out, c);
      } else if (is_invisible_control(cp)) {
        append_code_point_escape(out, cp);
        i += len - 1;
      } else {
        out.append(text.substr(i, len));
        i += len - 1;
      }
    }
  }
  return out;
}

}  // namespace kvonce

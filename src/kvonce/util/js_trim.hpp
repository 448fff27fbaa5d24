// String.prototype.trim: the white space JavaScript removes, which is more than ASCII's.
#pragma once

#include <string_view>

namespace kvonce {

// Removes from both ends of UTF-8 text every code point JavaScript's trim() removes: Unicode
// White_Space of category Zs (space, U+00A0, U+1680, U+2000..U+200A, U+202F, U+205F, U+3000),
// tab, U+000B, U+000C, U+FEFF and the line terminators LF, CR, U+2028, U+2029. U+0085 stays.
std::string_view js_trim(std::string_view text);

}  // namespace kvonce

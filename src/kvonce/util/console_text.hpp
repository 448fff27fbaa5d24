// Text from outside the program (trace data, file and object names, server messages, URLs) made
// safe to write to a terminal or a CI log.
#pragma once

#include <string>
#include <string_view>

namespace kvonce {

// The one escaping function for everything written to stdout and stderr. Returns `text` with
// everything that a terminal or a CI log would act on instead of show written out as visible
// escapes, so one piece of untrusted text can never start a line, move the cursor or issue a
// GitHub Actions workflow command:
// - C0 controls and DEL: \n, \r, \t, else \xNN (\x1b for ESC);
// - C1 controls (U+0080..U+009F), bidirectional controls and the Unicode line and paragraph
//   separators: \uNNNN;
// - bytes that are not UTF-8: \xNN;
// - a leading "::" (after blanks), which the runner reads as a workflow command, as "\x3a:";
// - "##[" anywhere (the runner's older command form) as "#\x23[".
// Backslashes are kept as they are: the result is for reading, not for decoding.
std::string console_escape(std::string_view text);

}  // namespace kvonce

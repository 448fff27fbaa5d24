// Colour on the console: which tones a summary uses, and when it may use them.
//
// Colour is decided once per stream (`colour_wanted`): on a terminal only, and never when
// NO_COLOR is set to a non-empty value (https://no-color.org) or TERM is "dumb", unless the
// command line says `--color always`. The escape sequences are constants of this file; text
// from outside the program is escaped (console_escape) before it is painted, so no payload can
// bring a sequence of its own, coloured or not.
#pragma once

#include <string>
#include <string_view>

#include "kvonce/util/environment.hpp"

namespace kvonce {

enum class ColourChoice { automatic, always, never };

// Whether a stream gets colour: `choice` from --color, `terminal` whether the stream is one.
bool colour_wanted(ColourChoice choice, bool terminal, const Environment& env);

enum class Tone { pass, fail, warn, dim };

struct ConsoleStyle {
  bool colour = false;

  // `text` between the tone's SGR sequence and a reset when colour is on; `text` as it is
  // otherwise. `text` must already be safe for a terminal (console_escape).
  std::string paint(Tone tone, std::string_view text) const;
};

}  // namespace kvonce

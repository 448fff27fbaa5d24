#include "kvonce/util/console_style.hpp"

namespace kvonce {
namespace {

// Select Graphic Rendition: green, red, yellow, dim; then "reset all".
constexpr std::string_view kReset = "\x1b[0m";

std::string_view sgr(Tone tone) {
  switch (tone) {
    case Tone::pass: return "\x1b[32m";
    case Tone::fail: return "\x1b[31m";
    case Tone::warn: return "\x1b[33m";
    case Tone::dim: return "\x1b[2m";
  }
  return {};
}

}  // namespace

bool colour_wanted(ColourChoice choice, bool terminal, const Environment& env) {
  if (choice != ColourChoice::automatic) return choice == ColourChoice::always;
  // env() is nullopt for an unset or empty variable: NO_COLOR= leaves colour on, as the
  // convention says.
  if (!terminal || env("NO_COLOR")) return false;
  const auto term = env("TERM");
  return !(term && *term == "dumb");
}

std::string ConsoleStyle::paint(Tone tone, std::string_view text) const {
  if (!colour || text.empty()) return std::string(text);
  std::string out(sgr(tone));
  out += text;
  out += kReset;
  return out;
}

}  // namespace kvonce

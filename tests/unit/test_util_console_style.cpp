// When the console gets colour, and what painting adds.
#include <catch2/catch.hpp>

#include "kvonce/util/console_style.hpp"

using namespace kvonce;

TEST_CASE("console_style: auto colours a terminal unless NO_COLOR is set or TERM is dumb") {
  const auto none = environment_from({});
  CHECK(colour_wanted(ColourChoice::automatic, true, none));
  CHECK_FALSE(colour_wanted(ColourChoice::automatic, false, none));
  CHECK_FALSE(colour_wanted(ColourChoice::automatic, true, environment_from({{"NO_COLOR", "1"}})));
  // no-color.org: set and empty does not count.
  CHECK(colour_wanted(ColourChoice::automatic, true, environment_from({{"NO_COLOR", ""}})));
  CHECK_FALSE(colour_wanted(ColourChoice::automatic, true, environment_from({{"TERM", "dumb"}})));
  CHECK(colour_wanted(ColourChoice::automatic, true, environment_from({{"TERM", "xterm"}})));
}

TEST_CASE("console_style: --color always and never win over the terminal and NO_COLOR") {
  const auto no_color = environment_from({{"NO_COLOR", "1"}});
  CHECK(colour_wanted(ColourChoice::always, false, no_color));
  CHECK_FALSE(colour_wanted(ColourChoice::never, true, environment_from({})));
}

TEST_CASE("console_style: paint wraps in one SGR sequence and a reset, or leaves text as is") {
  CHECK(ConsoleStyle{false}.paint(Tone::fail, "INVALID") == "INVALID");
  CHECK(ConsoleStyle{true}.paint(Tone::fail, "INVALID") == "\x1b[31mINVALID\x1b[0m");
  CHECK(ConsoleStyle{true}.paint(Tone::pass, "VALID") == "\x1b[32mVALID\x1b[0m");
  CHECK(ConsoleStyle{true}.paint(Tone::warn, "w") == "\x1b[33mw\x1b[0m");
  CHECK(ConsoleStyle{true}.paint(Tone::dim, "d") == "\x1b[2md\x1b[0m");
  CHECK(ConsoleStyle{true}.paint(Tone::dim, "").empty());
}

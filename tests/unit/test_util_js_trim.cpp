// String.prototype.trim's white space, as Node.js trims it.
#include <catch2/catch.hpp>

#include "kvonce/util/js_trim.hpp"

using namespace kvonce;

TEST_CASE("js_trim removes exactly the code points JavaScript trims") {
  CHECK(js_trim(" \t\n\v\f\rk\r\n") == "k");
  for (const char* space : {"\u00a0", "\u1680", "\u2000", "\u2005", "\u200a", "\u2028", "\u2029",
                            "\u202f", "\u205f", "\u3000", "\ufeff"}) {
    INFO(space);
    CHECK(js_trim(std::string(space) + "k" + space) == "k");
  }
  // Not white space to JavaScript: NEL, the Mongolian vowel separator, zero-width characters.
  for (const char* kept : {"\u0085", "\u180e", "\u200b", "\u2060"}) {
    INFO(kept);
    CHECK(js_trim(std::string(kept) + "k") == std::string(kept) + "k");
  }
  CHECK(js_trim("\u00a0") == "");
  CHECK(js_trim("k\u00a0k") == "k\u00a0k");
  CHECK(js_trim("\u3000 \u00a0x\u00e9") == "x\u00e9");  // a multi-byte letter at the end stays
}

TEST_CASE("js_trim leaves broken UTF-8 at the ends alone") {
  CHECK(js_trim(std::string("\xe3\x80")) == std::string("\xe3\x80"));  // a truncated U+3000
  CHECK(js_trim(std::string("k\x80")) == std::string("k\x80"));
  CHECK(js_trim(std::string("\x80\x80\x80\x80k")) == std::string("\x80\x80\x80\x80k"));
}

TEST_CASE("js_trim returns text with printable ASCII at both ends as it is") {
  CHECK(js_trim("k") == "k");
  CHECK(js_trim("a b") == "a b");
  CHECK(js_trim("\x7f\t\x7f") == "\x7f\t\x7f");  // DEL is not white space
  CHECK(js_trim("!\u3000") == "!");              // a multi-byte end is looked at
  CHECK(js_trim("\u3000!") == "!");
  CHECK(js_trim("!\n") == "!");
  CHECK(js_trim("\x21") == "!");
}

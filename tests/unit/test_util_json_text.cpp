// The writers' JSON text primitives: string escaping, numbers, and the cursor buffer.
#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/util/strings.hpp"
#include "kvonce/util/text_buffer.hpp"
#include "kvonce/util/time.hpp"

using namespace kvonce;

namespace {

std::string quoted(std::string_view s) {
  std::string out = "prefix:";
  append_json_string(out, s);
  return out.substr(7);
}

}  // namespace

TEST_CASE("append_json_string escapes what JSON requires and nothing else") {
  CHECK(quoted("") == R"("")");
  CHECK(quoted("plain text") == R"("plain text")");
  CHECK(quoted("a\"b\\c") == R"("a\"b\\c")");
  CHECK(quoted("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(quoted(std::string("\x00\x01\x1f", 3)) == R"("\u0000\u0001\u001f")");
  CHECK(quoted("caf\xC3\xA9 \xE2\x80\xA8") == "\"caf\xC3\xA9 \xE2\x80\xA8\"");  // UTF-8 as it is
  SECTION("a lone surrogate held as WTF-8 goes out as its escape; U+D7FF stays a character") {
    CHECK(quoted("k\xED\xA0\xBD") == R"("k\ud83d")");
    CHECK(quoted("\xED\x9F\xBF") == "\"\xED\x9F\xBF\"");
  }
  SECTION("specials past the eight-byte prefix and at the end") {
    CHECK(quoted("0123456789\"") == R"("0123456789\"")");
    CHECK(quoted("01234567\n89abcdef\\") == R"("01234567\n89abcdef\\")");
  }
  SECTION("a special byte anywhere in strings of every length up to 40, word tests or not") {
    for (std::size_t n = 1; n <= 40; ++n) {
      for (std::size_t at = 0; at < n; ++at) {
        for (const char special : {'"', '\\', '\n', '\x01', '\x1f'}) {
          std::string text(n, 'k');
          text[at] = special;
          std::string expected = "\"" + text.substr(0, at);
          expected += special == '"'      ? "\\\""
                      : special == '\\'   ? "\\\\"
                      : special == '\n'   ? "\\n"
                      : special == '\x01' ? "\\u0001"
                                          : "\\u001f";
          expected += text.substr(at + 1) + "\"";
          INFO(n << " bytes, special at " << at);
          REQUIRE(quoted(text) == expected);
        }
      }
      REQUIRE(quoted(std::string(n, 'k')) == "\"" + std::string(n, 'k') + "\"");
    }
  }
  SECTION("the worst case stays within json_string_bound") {
    const std::string controls(100, '\x01');
    const std::string out = quoted(controls);
    CHECK(out.size() == json_string_bound(controls.size()));
  }
}

TEST_CASE("put_uint and put_iso_millis write their whole text within their bounds") {
  char buf[kUintBound + kIsoMillisBytes];
  CHECK(std::string(buf, put_uint(buf, UINT64_MAX)) == "18446744073709551615");
  CHECK(std::string(buf, put_uint(buf, 0)) == "0");
  CHECK(std::string(buf, put_iso_millis(buf, 1'760'000'000'123'456'789)) ==
        "2025-10-09T08:53:20.123Z");
  CHECK(std::string(buf, put_iso_millis(buf, -1)) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("TextBuffer keeps what was written as it grows") {
  TextBuffer buffer(4);
  buffer.append("abc");
  char* p = buffer.room(1000);  // grows: "abc" moves with it
  p = put_text(p, "def");
  buffer.commit(p);
  CHECK(buffer.view() == "abcdef");
  for (int i = 0; i < 1000; ++i) buffer.append("x");
  CHECK(buffer.size() == 1006);
  CHECK(buffer.view().substr(0, 7) == "abcdefx");
  buffer.clear();
  CHECK(buffer.view().empty());
  buffer.append("again");
  CHECK(buffer.view() == "again");
}

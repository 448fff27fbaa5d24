// Markdown building blocks: escaping of untrusted text, code spans, issue lines, budgets.
#include <catch2/catch.hpp>

#include "kvonce/report/markdown.hpp"

using namespace kvonce::report;

TEST_CASE("truncate_utf8") {
  SECTION("short text is kept") {
    CHECK(truncate_utf8("abc", 3) == "abc");
  }
  SECTION("long text is cut with an ellipsis") {
    CHECK(truncate_utf8("abcdef", 3) == "abc…");
  }
  SECTION("a cut never splits a multi-byte character") {
    const std::string s = "a\xC3\xA9\xC3\xA9";  // "aéé": 1 + 2 + 2 bytes
    CHECK(truncate_utf8(s, 2) == "a…");
    CHECK(truncate_utf8(s, 3) == "a\xC3\xA9…");
    CHECK(truncate_utf8("\xE2\x9C\x85\xE2\x9C\x85", 4) == "\xE2\x9C\x85…");
  }
}

TEST_CASE("md_text") {
  SECTION("HTML becomes entities") {
    CHECK(md_text("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(md_text("a & b") == "a &amp; b");
  }
  SECTION("Markdown punctuation is escaped") {
    CHECK(md_text("a|b") == "a\\|b");
    CHECK(md_text("**x** _y_ [l](u) `c` ~s~ #1 $m$ !") ==
          "\\*\\*x\\*\\* \\_y\\_ \\[l\\](u) \\`c\\` \\~s\\~ \\#1 \\$m\\$ \\!");
    CHECK(md_text("back\\slash") == "back\\\\slash");
  }
  SECTION("control characters and newlines become spaces") {
    CHECK(md_text("a\nb\r\tc\x01") == "a b  c ");
  }
  SECTION("an @ cannot start a mention") {
    CHECK(md_text("@octocat") == "@&#8203;octocat");
  }
  SECTION("text is bounded before escaping") {
    CHECK(md_text(std::string(5000, 'x'), 10) == "xxxxxxxxxx…");
  }
}

TEST_CASE("md_text: a URL is shown as code, never as a live link") {
  CHECK(md_text("see https://evil.example/x?a=1 now") == "see `https://evil.example/x?a=1` now");
  CHECK(md_text("HTTP://E.example/A_b") == "`HTTP://E.example/A_b`");
  CHECK(md_text("go to www.evil.example|x") == "go to `www.evil.example`\\|x");
  CHECK(md_text("[l](http://e.com) and ftp://f/") == "\\[l\\](`http://e.com)` and `ftp://f/`");
  CHECK(md_text("a <https://e/>") == "a &lt;`https://e/`&gt;");
  CHECK(md_text("x://y `z`") == "`x://y` \\`z\\`");
  CHECK(md_text("no link: a:b, 10://") == "no link: a:b, `10://`");
}

TEST_CASE("md_code") {
  SECTION("plain text in single backticks") {
    CHECK(md_code("alpha") == "`alpha`");
  }
  SECTION("HTML stays literal inside a code span") {
    CHECK(md_code("<b>") == "`<b>`");
  }
  SECTION("the fence outgrows the longest backtick run") {
    CHECK(md_code("a`b") == "``a`b``");
    CHECK(md_code("a``b`") == "``` a``b` ```");
  }
  SECTION("empty text shows as an empty string") {
    CHECK(md_code("") == "`\"\"`");
  }
  SECTION("newlines cannot end the span") {
    CHECK(md_code("a\n\nb") == "`a  b`");
  }
}

TEST_CASE("mode_line") {
  ModeResult m;
  m.mode = "ndjson";
  SECTION("missing") {
    CHECK(mode_line(m) == "⚠️ **ndjson**: missing (no ndjson/ directory)");
  }
  SECTION("invalid with counts") {
    m.status = ModeStatus::invalid;
    m.issue_count = 1;
    m.events = 4;
    CHECK(mode_line(m) == "❌ **ndjson**: invalid, 1 issue (4 events, – keys)");
  }
  SECTION("error text is escaped") {
    m.status = ModeStatus::error;
    m.error = "x/kvonce-validation.json: <bad>";
    CHECK(mode_line(m) == "❌ **ndjson**: error: x/kvonce-validation.json: &lt;bad&gt;");
  }
}

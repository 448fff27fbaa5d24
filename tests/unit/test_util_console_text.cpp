// console_escape, and every console writer of the CLI run on hostile keys, trace ids, values,
// file names and messages: nothing from data may act on a terminal or a CI log.
#include <sstream>

#include <catch2/catch.hpp>

#include "kvonce/util/console_text.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

// A key that would become workflow commands and clear the screen if printed raw (JSON-escaped).
const std::string kHostileJson =
    "x\\n::warning::pwned\\n::add-mask::abc\\n::stop-commands::t\\u001b[2J\\u001b]8;;http://e/"
    "\\u0007link\\u001b]8;;\\u0007##[error]old";

// Console text a CI log and a terminal show as text: the only control character is the line
// break of the layout, no line starts with "::" (after blanks), "##[" appears nowhere.
void require_console_safe(const std::string& text) {
  INFO(text);
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    REQUIRE((b >= 0x20 || c == '\n'));
    REQUIRE(b != 0x7f);
  }
  REQUIRE(text.find("##[") == std::string::npos);
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto first = line.find_first_not_of(" \t");
    REQUIRE((first == std::string::npos || line.compare(first, 2, "::") != 0));
  }
}

}  // namespace

TEST_CASE("console_escape: control characters become visible escapes") {
  CHECK(console_escape("a\nb\rc\td") == "a\\nb\\rc\\td");
  CHECK(console_escape("\x1b[2J") == "\\x1b[2J");
  CHECK(console_escape(std::string("nul\0!", 5)) == "nul\\x00!");
  CHECK(console_escape("bell\a del\x7f") == "bell\\x07 del\\x7f");
}

TEST_CASE(
    "console_escape: a leading double colon and the old command prefix never reach the runner") {
  CHECK(console_escape("::warning::pwned") == "\\x3a:warning::pwned");
  CHECK(console_escape("  ::add-mask::abc") == "  \\x3a:add-mask::abc");
  CHECK(console_escape("\t::x") == "\\t\\x3a:x");
  CHECK(console_escape("a::b") == "a::b");  // only a line's start is a command
  CHECK(console_escape(":x") == ":x");
  CHECK(console_escape("see ##[error]x and ##[warning]y") ==
        "see #\\x23[error]x and #\\x23[warning]y");
}

TEST_CASE("console_escape: C1 and bidirectional controls and bytes that are not UTF-8") {
  CHECK(console_escape("a\xc2\x9b"
                       "31mb") == "a\\u009b31mb");  // 8-bit CSI
  CHECK(console_escape("\xc2\x85") == "\\u0085");   // NEL, a line break for some readers
  CHECK(console_escape("admin\xe2\x80\xae"
                       "txt.exe") == "admin\\u202etxt.exe");
  CHECK(console_escape("\xe2\x80\xa8") == "\\u2028");
  CHECK(console_escape("\xe2\x81\xa6x") == "\\u2066x");
  CHECK(console_escape("bad \x9b byte") == "bad \\x9b byte");
  CHECK(console_escape("\xc0\xaf") == "\\xc0\\xaf");           // overlong
  CHECK(console_escape("\xed\xa0\x80") == "\\xed\\xa0\\x80");  // surrogate
  CHECK(console_escape("cut \xe2\x82") == "cut \\xe2\\x82");   // truncated sequence
}

TEST_CASE("console_escape: printable text is unchanged, UTF-8 included") {
  const std::string text = "prepare: s3://bucket/k ey — ключ 鍵 😀 \\n [x] #1 100%";
  CHECK(console_escape(text) == text);
  CHECK(console_escape("") == "");
}

TEST_CASE("console injection: verify and run print hostile keys and trace ids escaped") {
  TempDir dir;
  const auto payload = dir / "p.json";
  // A success without attempts: an issue that names the key and the trace.
  std::string span = span_json(
      T0, {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", kHostileJson)},
      "::error::" + std::string(32, 'a'));
  write_file(payload, otlp_doc({span}));
  const auto v = run_cli({"verify", "-i", payload.string(), "-d", (dir / "v").string()});
  REQUIRE(v.exit_code == 1);
  CHECK_THAT(v.out, Catch::Contains("x\\n::warning::pwned\\n::add-mask::abc") &&
                        Catch::Contains("\\x1b[2J") && Catch::Contains("trace \\x3a:error::aaaa"));
  require_console_safe(v.out);
  require_console_safe(v.err);

  const auto r = run_cli({"run", "-i", payload.string(), "--trace-dir", (dir / "t").string()});
  REQUIRE(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("x\\n::warning::pwned"));
  require_console_safe(r.out);
  require_console_safe(r.err);
}

TEST_CASE("console injection: file names in summaries, warnings and errors") {
  TempDir dir;
  const std::string hostile = "p\n::warning::file\x1b[2J.json";
  const auto payload = dir / hostile;
  // An exact time that disagrees with the timestamp: a warning that names the file and quotes it.
  write_file(
      payload,
      R"({"timestamp":"2025-10-09T08:53:20Z","timeUnixNano":"\n::error::time\u001b[2J","type":"retry","key":"k"})"
      "\n"
      R"({"timestamp":"2025-10-09T08:53:20Z","type":"retry","key":"k"})"
      "\n");
  const auto p = run_cli({"prepare", "-i", payload.string(), "-o", (dir / "e.ndjson").string()});
  REQUIRE(p.exit_code == 0);
  CHECK_THAT(p.err, Catch::Contains("p\\n::warning::file\\x1b[2J.json") &&
                        Catch::Contains("\\n::error::time\\x1b[2J"));
  require_console_safe(p.err);

  const auto v =
      run_cli({"verify", "-i", payload.string(), "-d", (dir / (hostile + ".d")).string()});
  CHECK_THAT(v.out, Catch::Contains("warning: ") && Catch::Contains("outputs: "));
  require_console_safe(v.out);

  const auto f = run_cli({"fetch", "--file", payload.string(), "--target", (dir / "t").string()});
  REQUIRE(f.exit_code == 0);
  CHECK_THAT(f.out, Catch::Contains("fetched explicit"));
  require_console_safe(f.out);

  const auto missing = run_cli(
      {"verify", "-i", (dir / "gone\n::add-mask::x").string(), "-d", (dir / "out").string()});
  CHECK(missing.exit_code == 4);
  CHECK_THAT(missing.err, Catch::Contains("gone\\n::add-mask::x"));
  require_console_safe(missing.err);
}

TEST_CASE("console injection: usage errors quote hostile arguments escaped") {
  const auto r = run_cli({"verify", "-i", "x", "-d", "y", "--order", "t\n::error::usage\x1b[2J"});
  CHECK(r.exit_code == 3);
  CHECK_THAT(r.err,
             Catch::Contains("t\\n::error::usage\\x1b[2J") && Catch::Contains("Run with --help"));
  require_console_safe(r.err);
}

TEST_CASE("console injection: batch progress, summary and merge on hostile sources") {
  TempDir dir;
  const auto inputs = dir / "in";
  std::filesystem::create_directories(inputs);
  write_file(inputs / "bad\n::warning::batch\x1b]8;;x\x07.json", "{not json");
  write_file(inputs / "ok.json",
             otlp_doc({span_json(T0, {str_attr("kvonce.event.type", "success"),
                                      str_attr("kvonce.event.key", kHostileJson)})}));
  const auto results = dir / "r.jsonl";
  const auto r = run_cli({"batch", inputs.string(), "--results", results.string(), "-j", "1"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("bad\\n::warning::batch\\x1b]8;;x\\x07.json"));
  CHECK_THAT(r.out,
             Catch::Contains("bad ::warning::batch\\x1b]8;;x\\x07.json"));  // a cell: one line
  require_console_safe(r.out);
  require_console_safe(r.err);

  const auto m = run_cli({"batch", "merge", results.string(), results.string()});
  CHECK(m.exit_code == 1);
  require_console_safe(m.out);
  require_console_safe(m.err);
}

TEST_CASE("console injection: report prints a hostile trace directory escaped") {
  TempDir dir;
  const auto trace = dir / "t\n::warning::report\x1b[2J";
  std::filesystem::create_directories(trace / "otlp");
  write_file(trace / "otlp" / "kvonce-validation.json", "[1]");  // an error naming the file
  const auto r =
      run_cli({"report", "--trace-dir", trace.string(), "--pr-comment", (trace / "c.md").string()});
  CHECK_THAT(r.out, Catch::Contains("otlp: error: ") &&
                        Catch::Contains("t\\n::warning::report\\x1b[2J/otlp") &&
                        Catch::Contains("PR comment written to "));
  require_console_safe(r.out);
  require_console_safe(r.err);
}

// `kvonce-trace verify` at the console: positional payloads, no files without -d, --json,
// --quiet and colour (in-process; standard input is covered by e2e/verify_habits.test.mjs).
#include <map>
#include <regex>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cli/app.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using nlohmann::json;

namespace {

// What differs between two runs on the same payload: the time, and the record of files written.
json comparable(json v) {
  v.erase("generatedAt");
  v.erase("outputSet");
  return v;
}

bool has_escape(const std::string& text) {
  return text.find('\x1b') != std::string::npos;
}

// The text without the sequences console_style writes: any ESC left came from elsewhere.
std::string without_our_sgr(const std::string& text) {
  static const std::regex sgr("\x1b\\[(0|2|31|32|33)m");
  return std::regex_replace(text, sgr, "");
}

}  // namespace

TEST_CASE(
    "verify console: a positional payload, without -d, prints the verdict and writes nothing") {
  TempDir dir;
  write_file(dir / "p.json", read_file(test_data("kvonce-otlp.json")));
  const auto r = run_cli({"verify", (dir / "p.json").string()});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::StartsWith("verify: INVALID") &&
                        Catch::Contains("[duplicate-before-success] beta"));
  CHECK_THAT(r.out, !Catch::Contains("outputs:"));
  CHECK(r.err.empty());
  CHECK(dir.files() == std::vector<std::string>{"p.json"});
}

TEST_CASE("verify console: positional payloads and -i merge, and none at all is a usage error") {
  TempDir dir;
  const auto both = run_cli(
      {"verify", test_data("kvonce-otlp.json"), "-i", test_data("kvonce-sample.ndjson"), "--json"});
  const auto twice = run_cli({"verify", "-i", test_data("kvonce-sample.ndjson"), "-i",
                              test_data("kvonce-otlp.json"), "--json"});
  CHECK(both.exit_code == twice.exit_code);
  CHECK(comparable(json::parse(both.out)) == comparable(json::parse(twice.out)));
  CHECK(json::parse(both.out)["input"].size() == 2);

  const auto none = run_cli({"verify", "--profile", "compat"});
  CHECK(none.exit_code == 3);
  CHECK_THAT(none.err, Catch::Contains("PAYLOAD"));
}

TEST_CASE("verify console: standard input named twice is a usage error") {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"verify", "-", "-"},
                                               {"verify", "-i", "-", "-"},
                                               {"verify", "-i", "-", "-i", "-"},
                                               {"prepare", "-i", "-", "-i", "-"}}) {
    const auto r = run_cli(args);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("standard input (-)"));
  }
}

TEST_CASE("verify console: --json prints the validation file's document, alone on stdout") {
  TempDir dir;
  const auto written =
      run_cli({"verify", test_data("kvonce-otlp.json"), "-d", (dir / "out").string(), "--json"});
  CHECK(written.exit_code == 1);
  // With -d: the very bytes of the file, outputSet included.
  CHECK(written.out == read_file(dir / "out/kvonce-validation.json"));
  CHECK_THAT(written.err, Catch::Contains("INVALID") && Catch::Contains("outputs:"));

  const auto alone = run_cli({"verify", test_data("kvonce-otlp.json"), "--json"});
  CHECK(alone.exit_code == 1);
  const json doc = json::parse(alone.out);
  CHECK_FALSE(doc.contains("outputSet"));  // no file was written
  CHECK(comparable(doc) == comparable(json::parse(written.out)));
  CHECK_THAT(alone.err, Catch::StartsWith("verify: INVALID"));
}

TEST_CASE("verify console: the output bound counts the document --json prints") {
  TempDir dir;
  const auto r =
      run_cli({"verify", test_data("kvonce-otlp.json"), "--json", "--max-output-bytes", "100"});
  CHECK(r.exit_code == 5);
  CHECK(r.out.empty());

  // With -d, a bound the files alone fit in but not with the printed copy: nothing committed.
  REQUIRE(
      run_cli({"verify", test_data("kvonce-otlp.json"), "-d", (dir / "all").string()}).exit_code ==
      1);
  std::uintmax_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir / "all"))
    if (e.is_regular_file()) files += e.file_size();
  const std::string bound = std::to_string(files);
  CHECK(run_cli({"verify", test_data("kvonce-otlp.json"), "-d", (dir / "fit").string(),
                 "--max-output-bytes", bound})
            .exit_code == 1);
  const auto over = run_cli({"verify", test_data("kvonce-otlp.json"), "-d", (dir / "over").string(),
                             "--json", "--max-output-bytes", bound});
  CHECK(over.exit_code == 5);
  CHECK(over.out.empty());
  CHECK_FALSE(std::filesystem::exists(dir / "over/kvonce-validation.json"));
}

TEST_CASE("verify console: --quiet prints errors only") {
  TempDir dir;
  write_file(dir / "empty.ndjson", "");
  write_file(dir / "bad.json", "{\"resourceSpans\":[");
  const auto pass = run_cli({"verify", test_data("kvonce-otlp.json"), "--profile", "compat", "-q"});
  CHECK(pass.exit_code == 0);
  CHECK(pass.out.empty());
  CHECK(pass.err.empty());
  const auto fail = run_cli({"verify", test_data("kvonce-otlp.json"), "--quiet"});
  CHECK(fail.exit_code == 1);
  CHECK(fail.out.empty());
  CHECK(fail.err.empty());
  const auto bad = run_cli({"verify", (dir / "bad.json").string(), "--quiet"});
  CHECK(bad.exit_code == 4);
  CHECK(bad.out.empty());
  CHECK_THAT(bad.err, Catch::Contains("bad.json"));
  // Exit 2 is no verdict on the rules: it says why.
  const auto empty = run_cli({"verify", (dir / "empty.ndjson").string(), "--quiet"});
  CHECK(empty.exit_code == 2);
  CHECK(empty.out.empty());
  CHECK_THAT(empty.err, Catch::StartsWith("kvonce-trace: no events: "));
  // With --json: the document alone.
  const auto json_only = run_cli({"verify", test_data("kvonce-otlp.json"), "-q", "--json"});
  CHECK(json_only.exit_code == 1);
  CHECK(json::parse(json_only.out)["valid"] == false);
  CHECK(json_only.err.empty());
}

TEST_CASE("verify console: colour on a terminal only, off with NO_COLOR, forced by --color") {
  const std::string payload = test_data("kvonce-otlp.json");
  CHECK_FALSE(has_escape(run_cli({"verify", payload}).out));
  const auto tty = run_cli_tty({"verify", payload}, {});
  CHECK_THAT(tty.out, Catch::StartsWith("verify: \x1b[31mINVALID\x1b[0m") &&
                          Catch::Contains("\x1b[31m[duplicate-before-success]\x1b[0m beta"));
  CHECK_FALSE(has_escape(run_cli_tty({"verify", payload}, {{"NO_COLOR", "1"}}).out));
  CHECK_FALSE(has_escape(run_cli_tty({"verify", payload, "--color", "never"}, {}).out));
  CHECK(has_escape(run_cli({"verify", payload, "--color=always"}, {{"NO_COLOR", "1"}}).out));
  const auto valid = run_cli_tty({"verify", payload, "--profile", "compat"}, {});
  CHECK_THAT(valid.out, Catch::StartsWith("verify: \x1b[32mVALID\x1b[0m"));
  // --json: the document never coloured, the summary on stderr coloured.
  const auto with_json = run_cli_tty({"verify", payload, "--json"}, {});
  CHECK_FALSE(has_escape(with_json.out));
  CHECK(has_escape(with_json.err));
  CHECK(run_cli({"verify", payload, "--color", "sometimes"}).exit_code == 3);
}

TEST_CASE("verify console: payload text stays escaped with colour on") {
  TempDir dir;
  write_file(dir / "evil.json",
             otlp_doc({kv_span(1, "success", "k\\u001b[32mVALID\\u001b]0;t\\u0007"),
                       kv_span(2, "success", "k\\u001b[32mVALID\\u001b]0;t\\u0007")}));
  const auto r = run_cli({"verify", (dir / "evil.json").string(), "--color", "always"});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::Contains("k\\x1b[32mVALID\\x1b]0;t\\x07"));
  CHECK(has_escape(r.out));
  CHECK_FALSE(has_escape(without_our_sgr(r.out)));
}

TEST_CASE("verify console: run takes --quiet and --color too, and still writes its tree") {
  TempDir dir;
  const auto quiet = run_cli({"run", "--trace-dir", (dir / "q").string(), "--quiet"});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.empty());
  CHECK(quiet.err.empty());
  CHECK(std::filesystem::exists(dir / "q/otlp/kvonce-validation.json"));
  CHECK(std::filesystem::exists(dir / "q/ndjson/kvonce-validation.json"));

  const auto plain = run_cli({"run", "--trace-dir", (dir / "p").string()});
  CHECK_FALSE(has_escape(plain.out));
  const auto coloured = run_cli_tty({"run", "--trace-dir", (dir / "c").string()}, {});
  CHECK_THAT(coloured.out, Catch::Contains("verify: \x1b[32mVALID\x1b[0m"));
  CHECK_FALSE(has_escape(
      run_cli_tty({"run", "--trace-dir", (dir / "n").string()}, {{"NO_COLOR", "1"}}).out));
}

TEST_CASE("console counts: one event, one key, one issue, one record in the singular") {
  TempDir dir;
  // One success with a value but no attempts: success-context-missing alone.
  write_file(
      dir / "p.json",
      otlp_doc({kv_span(1'000'000'000, "success", "k", str_attr("kvonce.event.value", "v"))}));
  const auto v = run_cli({"verify", (dir / "p.json").string()});
  CHECK_THAT(v.out, Catch::Contains("  1 event, 1 key, 1 issue\n"));
  const auto p = run_cli({"prepare", "-i", (dir / "p.json").string(), "-o", "-"});
  CHECK(p.exit_code == 0);
  CHECK_THAT(p.err, Catch::StartsWith("prepare: 1 event from 1 record in 1 input, "));
  const auto r = run_cli({"run", "-i", (dir / "p.json").string(), "--trace-dir",
                          (dir / "t").string(), "--step-summary", (dir / "s.md").string()});
  CHECK_THAT(r.out, Catch::Contains("-> 1 span -> 1 event in ") &&
                        Catch::Contains("verify otlp: INVALID, 1 issue in "));
  const auto rep = run_cli(
      {"report", "--trace-dir", (dir / "t").string(), "--step-summary", (dir / "s.md").string()});
  CHECK_THAT(rep.out, Catch::Contains("otlp: invalid, 1 issue\n"));
  CHECK_THAT(read_file(dir / "s.md"), !Catch::Contains("1 issues"));
}

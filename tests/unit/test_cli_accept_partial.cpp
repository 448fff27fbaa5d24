// --accept-partial on run, explain and batch (in-process CLI): a Tempo v2 response whose status is
// PARTIAL is refused by name (exit 4) unless given, and then every output carries the warning.
#include <filesystem>
#include <map>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

using namespace kvonce::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

// A KvOnce span as the specification wants it: attempts in its context, a value on success.
std::string span(unsigned long long start, const std::string& type, const std::string& key,
                 int attempts) {
  std::string extra = int_attr("kvonce.event.context.attempts", attempts);
  if (type == "success") extra += "," + str_attr("kvonce.event.value", "v");
  return kv_span(start, type, key, extra);
}

// Tempo's /api/v2/traces/<id> answer for a trace it could read only in part.
std::string partial_response() {
  return R"({"trace":)" +
         otlp_doc({span(T0, "retry", "a", 1), span(T0 + 1000000, "success", "a", 2),
                   span(T0 + 2000000, "success", "b", 1)}) +
         R"(,"status":"PARTIAL","message":"trace exceeds max size"})";
}

bool warns(const json& warnings) {
  for (const json& w : warnings) {
    const std::string text = w.get<std::string>();
    if (text.find("status PARTIAL: Tempo returned only part of the trace") != std::string::npos &&
        text.find("read with --accept-partial: events may be missing") != std::string::npos) {
      return true;
    }
  }
  return false;
}

bool names_partial(const std::string& text) {
  return text.find("status PARTIAL") != std::string::npos;
}

}  // namespace

TEST_CASE("accept-partial: run refuses a partial Tempo trace, exit 4 naming it, unless given") {
  TempDir dir;
  write_file(dir / "tempo.json", partial_response());
  const auto r =
      run_cli({"run", "-i", (dir / "tempo.json").string(), "--trace-dir", (dir / "t").string()});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("Tempo v2 response") && Catch::Contains("status PARTIAL") &&
                        Catch::Contains("--accept-partial"));
  CHECK_FALSE(fs::exists(dir / "t" / "otlp" / "kvonce-validation.json"));
}

TEST_CASE("accept-partial: run warns on the console, in both modes' validations and the report") {
  TempDir dir;
  write_file(dir / "tempo.json", partial_response());
  const std::map<std::string, std::string> env{
      {"GITHUB_ACTIONS", "true"},
      {"GITHUB_STEP_SUMMARY", (dir / "summary.md").string()},
      {"GITHUB_OUTPUT", (dir / "outputs.txt").string()}};
  const auto r = run_cli({"run", "-i", (dir / "tempo.json").string(), "--trace-dir",
                          (dir / "t").string(), "--accept-partial"},
                         env);
  CHECK(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("warning: ") && Catch::Contains("status PARTIAL"));
  for (const char* mode : {"otlp", "ndjson"}) {
    const json v = json::parse(read_file(dir / "t" / mode / "kvonce-validation.json"));
    CHECK(v["valid"] == true);
    CHECK(warns(v["warnings"]));
  }
  // The Step Summary lists it for both modes; the PR comment shows it beside the verdict, once
  // for both modes (the same payload read twice).
  const std::string summary = read_file(dir / "summary.md");
  CHECK_THAT(summary, Catch::Contains("otlp, ndjson: ") && Catch::Contains("status PARTIAL"));
  const std::string comment = read_file(dir / "t" / "kvonce-pr-comment.md");
  CHECK_THAT(comment, Catch::Contains("- ⚠️ otlp, ndjson: "));
  CHECK(comment.find("status PARTIAL") == comment.rfind("status PARTIAL"));
  CHECK(names_partial(comment));
}

TEST_CASE("accept-partial: explain refuses, then warns in its text and its JSON") {
  TempDir dir;
  const std::string in = (dir / "tempo.json").string();
  write_file(in, partial_response());
  const auto refused = run_cli({"explain", "a", "-i", in});
  CHECK(refused.exit_code == 4);
  CHECK(names_partial(refused.err));

  const auto text = run_cli({"explain", "a", "-i", in, "--accept-partial"});
  CHECK(text.exit_code == 0);
  CHECK_THAT(text.out, Catch::Contains("explain: a: VALID") && Catch::Contains("\n  warning: ") &&
                           Catch::Contains("status PARTIAL"));
  const auto doc = run_cli({"explain", "a", "-i", in, "--accept-partial", "--json"});
  CHECK(doc.exit_code == 0);
  CHECK(warns(json::parse(doc.out)["warnings"]));
  // A key the part returned lacks: the warning says why it may be missing.
  const auto unknown = run_cli({"explain", "c", "-i", in, "--accept-partial"});
  CHECK(unknown.exit_code == 2);
  CHECK(names_partial(unknown.out));

  // A complete trace has no warning: the member is there, empty.
  write_file(dir / "whole.json", otlp_doc({span(T0, "success", "a", 1)}));
  const auto whole = run_cli({"explain", "a", "-i", (dir / "whole.json").string(), "--json"});
  CHECK(json::parse(whole.out)["warnings"] == json::array());
}

TEST_CASE("accept-partial: explain --trace-dir of run's outputs carries the recorded warning") {
  TempDir dir;
  write_file(dir / "tempo.json", partial_response());
  const std::string tree = (dir / "t").string();
  REQUIRE(
      run_cli({"run", "-i", (dir / "tempo.json").string(), "--trace-dir", tree, "--accept-partial"})
          .exit_code == 0);
  const auto text = run_cli({"explain", "a", "--trace-dir", tree});
  CHECK(text.exit_code == 0);
  CHECK(names_partial(text.out));
  const auto doc = run_cli({"explain", "a", "--trace-dir", tree + "/ndjson", "--json"});
  CHECK(warns(json::parse(doc.out)["warnings"]));
  // report --metadata-for judges the payload again as run did: with --accept-partial.
  const auto report =
      run_cli({"report", "--trace-dir", tree, "--metadata-for", (dir / "tempo.json").string(),
               "--source-type", "explicit", "--pr-comment", (dir / "comment.md").string()});
  CHECK(report.exit_code == 0);
  CHECK(report.err.empty());
}

TEST_CASE("accept-partial: batch records the refusal, or the warning in its lines and summary") {
  TempDir dir;
  fs::create_directories(dir / "in");
  write_file(dir / "in" / "tempo.json", partial_response());
  write_file(dir / "in" / "whole.json", otlp_doc({span(T0, "success", "a", 1)}));
  const std::string results = (dir / "r.jsonl").string();

  const auto refused = run_cli({"batch", "--results", results, (dir / "in").string()});
  CHECK(refused.exit_code == 1);
  const auto lines = read_lines(results);
  REQUIRE(lines.size() == 2);
  const json failed =
      json::parse(lines[0]).at("source").get<std::string>().find("tempo") != std::string::npos
          ? json::parse(lines[0])
          : json::parse(lines[1]);
  CHECK(failed["error"]["kind"] == "input");
  CHECK(names_partial(failed["error"]["message"].get<std::string>()));

  // Resumed with the flag: the refused line was judged otherwise, so the payload is read again.
  const std::string again = (dir / "r2.jsonl").string();
  const auto r = run_cli({"batch", "--results", again, "--resume", results, "--accept-partial",
                          "--summary", (dir / "summary.md").string(), (dir / "in").string()});
  CHECK(r.exit_code == 0);
  bool seen = false;
  for (const std::string& line : read_lines(again)) {
    const json l = json::parse(line);
    CHECK(l["judgedUnder"]["acceptPartial"] == true);
    if (l["source"].get<std::string>().find("tempo") == std::string::npos) {
      CHECK_FALSE(l.contains("partial"));
      continue;
    }
    seen = true;
    CHECK(l["valid"] == true);
    CHECK(l["error"].is_null());
    CHECK(warns(l["partial"]));
  }
  CHECK(seen);
  CHECK_THAT(read_file(dir / "summary.md"),
             Catch::Contains("### Partial traces") && Catch::Contains("status PARTIAL"));
  CHECK_THAT(r.out, Catch::Contains("batch: 2 of 2 payloads valid; 1 partial trace read with "
                                    "--accept-partial"));
  CHECK_THAT(r.err, Catch::Contains("; warning: ") && Catch::Contains("status PARTIAL"));
}

TEST_CASE("accept-partial: NDJSON prepared from a partial trace keeps the warning through verify") {
  TempDir dir;
  write_file(dir / "tempo.json", partial_response());
  const std::string events = (dir / "events.ndjson").string();
  const auto p =
      run_cli({"prepare", "-i", (dir / "tempo.json").string(), "-o", events, "--accept-partial"});
  REQUIRE(p.exit_code == 0);
  const json record = json::parse(read_file(events + ".kvonce-source.json"));
  CHECK(warns(record["partial"]));

  const auto v = run_cli({"verify", events, "-d", (dir / "out").string()});
  CHECK(v.exit_code == 0);
  CHECK(names_partial(v.out));
  const json validation = json::parse(read_file(dir / "out" / "kvonce-validation.json"));
  CHECK(warns(validation["warnings"]));
  CHECK(warns(validation["outputSet"]["derivedFrom"]["partial"]));

  // A whole trace's record has no such member, and its verification no such warning.
  write_file(dir / "whole.json", otlp_doc({span(T0, "success", "a", 1)}));
  const std::string whole = (dir / "whole.ndjson").string();
  REQUIRE(run_cli({"prepare", "-i", (dir / "whole.json").string(), "-o", whole}).exit_code == 0);
  CHECK_FALSE(json::parse(read_file(whole + ".kvonce-source.json")).contains("partial"));
  const auto w = run_cli({"verify", whole});
  CHECK_FALSE(names_partial(w.out));
}

TEST_CASE("accept-partial: a verify of a set's own events file repeats the set's warning") {
  // The steps by hand: verify the payload into tr/otlp, then its events file into tr/ndjson.
  TempDir dir;
  write_file(dir / "tempo.json", partial_response());
  const std::string otlp = (dir / "tr" / "otlp").string();
  REQUIRE(run_cli({"verify", (dir / "tempo.json").string(), "-d", otlp, "--accept-partial"})
              .exit_code == 0);
  const auto v = run_cli({"verify", otlp + "/kvonce-events.ndjson", "--format", "ndjson", "-d",
                          (dir / "tr" / "ndjson").string()});
  CHECK(v.exit_code == 0);
  CHECK(names_partial(v.out));
  const json nd = json::parse(read_file(dir / "tr" / "ndjson" / "kvonce-validation.json"));
  CHECK(warns(nd["warnings"]));
  // Once, though run carries it too.
  const auto r = run_cli({"run", "-i", (dir / "tempo.json").string(), "--trace-dir",
                          (dir / "t").string(), "--accept-partial"});
  REQUIRE(r.exit_code == 0);
  const json run_nd = json::parse(read_file(dir / "t" / "ndjson" / "kvonce-validation.json"));
  std::size_t n = 0;
  for (const json& w : run_nd["warnings"]) {
    n += names_partial(w.get<std::string>()) ? 1 : 0;
  }
  CHECK(n == 1);
  // An events file edited since its set was written is tied to nothing: no warning.
  write_file(otlp + "/kvonce-events.ndjson", read_file(otlp + "/kvonce-events.ndjson") + "\n");
  CHECK_FALSE(names_partial(run_cli({"verify", otlp + "/kvonce-events.ndjson"}).out));
}

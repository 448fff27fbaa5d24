// Issue histories in the reports: read from kvonce-validation.json, shown in <details>, and the
// first thing dropped when a document would outgrow its limit.
#include <catch2/catch.hpp>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/report/history_markdown.hpp"
#include "kvonce/report/load.hpp"
#include "kvonce/report/trace_link.hpp"
#include "kvonce/report/writers.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::report;
using namespace kvonce::test;

namespace {

HistoryEntry entry(std::uint64_t i) {
  return HistoryEntry{i,
                      "2025-10-09T08:53:20.000Z",
                      "success",
                      "1",
                      std::string(100, 'v'),
                      std::nullopt,
                      std::string(32, 'a'),
                      std::string(16, 'b')};
}

Report with_histories(std::size_t n, bool histories) {
  Report r;
  for (const char* mode : trace_dir::kModes) {
    ModeResult m;
    m.mode = mode;
    m.status = ModeStatus::invalid;
    m.events = m.keys = m.issue_count = n;
    for (std::size_t i = 0; i < std::min<std::size_t>(n, 1000); ++i) {
      IssueEntry issue{"order-" + std::to_string(i), "multiple-success", "success appeared 2 times",
                       "2025-10-09T08:53:20.000Z", std::string(32, 'a')};
      for (std::uint64_t e = 0; histories && e < 10; ++e) issue.history.push_back(entry(e));
      m.issues.push_back(std::move(issue));
    }
    r.modes.push_back(std::move(m));
  }
  return r;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = text.find(needle); p != std::string::npos; p = text.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("report history: read from the validation file, the last 10 kept") {
  TempDir dir;
  std::string history;
  for (int i = 0; i < 12; ++i) {
    history += std::string(i ? "," : "") + "{\"eventIndex\":" + std::to_string(i) +
               ",\"timestamp\":null,\"type\":\"retry\",\"attempts\":" + std::to_string(i + 1) +
               ",\"value\":\"\\\"v\\\"\",\"traceId\":\"t\"}";
  }
  std::filesystem::create_directories(dir / "otlp");
  write_file(dir / "otlp" / trace_dir::kValidationFile,
             "{\"valid\":false,\"issues\":[{\"key\":\"k\",\"type\":\"t\",\"history\":[" + history +
                 "]},{\"key\":\"old\",\"type\":\"t\"}]}");
  const ModeResult m = load_mode(dir / "otlp", "otlp");
  REQUIRE(m.status == ModeStatus::invalid);
  REQUIRE(m.issues[0].history.size() == 10);
  CHECK(m.issues[0].history.front().event_index == 2u);
  CHECK(m.issues[0].history.back().attempts == "12");
  CHECK(m.issues[0].history.back().timestamp.empty());
  CHECK(m.issues[0].history.back().value == "\"v\"");
  CHECK(m.issues[1].history.empty());
}

TEST_CASE("report history: an issue without a time shows none, as its history's events do") {
  TempDir dir;
  std::filesystem::create_directories(dir / "otlp");
  write_file(dir / "otlp" / trace_dir::kValidationFile,
             "{\"valid\":false,\"issues\":[{\"key\":\"k\",\"type\":\"multiple-success\","
             "\"message\":\"m\",\"timestamp\":null,\"traceId\":\"t\",\"history\":[{"
             "\"eventIndex\":0,\"timestamp\":null,\"type\":\"success\",\"traceId\":\"t\"}]}]}");
  Report report;
  report.modes.push_back(load_mode(dir / "otlp", "otlp"));
  REQUIRE(report.modes[0].issues.size() == 1);
  CHECK(report.modes[0].issues[0].timestamp.empty());
  const std::string md = pr_comment_markdown(report, 10);
  CHECK_THAT(md, Catch::Contains("| `k` | m | – |") && !Catch::Contains("null"));
}

TEST_CASE("report history: a <details> block with a table, trace text inert, traces linked") {
  IssueEntry issue{"<b>@alice|x</b>", "multiple-success", "m", "", ""};
  issue.history.push_back(
      HistoryEntry{3, "", "success", "", std::string("\"a|b<i>\""), std::string("\"x\""), "t", ""});
  Report report;
  const std::string out = history_details(report, issue);
  CHECK_THAT(out, Catch::StartsWith("<details><summary>History of <code>&lt;b&gt;@&#8203;"
                                    "alice|x&lt;/b&gt;</code> (multiple-success, 1 event)"
                                    "</summary>\n\n"));
  CHECK_THAT(out, Catch::Contains("| 3 | – | success | – | value \"a\\|b&lt;i&gt;\", reason "
                                  "\"x\" | `t` |\n"));
  CHECK_THAT(out, Catch::EndsWith("\n</details>\n"));
  CHECK(history_details(report, IssueEntry{}).empty());

  report.trace_link = TraceLinkTemplate::parse("https://jaeger.example/trace/{traceId}", "test");
  CHECK_THAT(history_details(report, issue),
             Catch::Contains("| [`t`](https://jaeger.example/trace/t) |"));
}

TEST_CASE("report history: histories are dropped first, the issue rows and limits hold") {
  const Report plain = with_histories(9000, false), full = with_histories(9000, true);
  const std::string summary = step_summary_markdown(full, 200);
  const std::string comment = pr_comment_markdown(full, 10);
  const CheckRunContent check = check_run_content(full);
  CHECK(summary.size() <= kStepSummaryMaxBytes);
  CHECK(comment.size() <= kCommentMaxBytes);
  CHECK(check.text.size() <= kCheckRunMaxBytes);
  // The same issue rows as without histories: none gave way to a history.
  const std::string row = "| multiple-success |";
  const std::string plain_summary = step_summary_markdown(plain, 200);
  CHECK(count(summary, row) == count(plain_summary, row));
  CHECK(count(summary, row) == 200);
  CHECK(count(comment, row) == count(pr_comment_markdown(plain, 10), row));
  CHECK(count(check.text, row) == count(check_run_content(plain).text, row));
  CHECK_THAT(summary, Catch::Contains("more in both modes (see otlp/kvonce-validation.json)"));
  // Some histories fit, from the first issue on; not all of them.
  const std::string history = "<details><summary>History of";
  const std::size_t shown = count(summary, history);
  CHECK(shown > 0);
  CHECK(shown < count(summary, row));
  CHECK(summary.find(history + " <code>order-0</code>") != std::string::npos);
  CHECK(summary.find(history) > summary.rfind(row));  // below the table
  // The PR comment's ten issues each have room for theirs.
  CHECK(count(comment, history) == 10);
}

TEST_CASE("report history: the Step Summary's warnings keep their room, histories give way") {
  Report full = with_histories(9000, true);
  // Five long warnings per mode: more than the room any history leaves over.
  for (ModeResult& m : full.modes) {
    for (int i = 0; i < 5; ++i)
      m.warnings.push_back("skipped " + std::string(400, 'w') + char('0' + i));
  }
  const std::string summary = step_summary_markdown(full, 200);
  CHECK(summary.size() <= kStepSummaryMaxBytes);
  // Both modes give the same five: each is listed once, with both modes.
  CHECK(count(summary, "- otlp, ndjson: skipped " + std::string(400, 'w')) == 5);
  CHECK(count(summary, "skipped " + std::string(400, 'w')) == 5);
  CHECK(count(summary, "<details><summary>History of") > 0);
}

TEST_CASE("report history: an event with an end shows its start and end") {
  IssueEntry issue{"k", "duplicate-before-success", "m", "", ""};
  issue.history.push_back(HistoryEntry{0, "2025-10-09T08:53:20.000Z", "failure", "", std::nullopt,
                                       std::string("\"duplicate\""), "t", "",
                                       "2025-10-09T08:53:20.004Z"});
  const std::string out = history_details(Report{}, issue);
  CHECK_THAT(out, Catch::Contains("| event | start → end |") &&
                      Catch::Contains("2025-10-09 08:53:20.000Z → 2025-10-09 08:53:20.004Z"));
}

// Issue histories in the reports: read from kvonce-validation.json, shown in <details>, and the
// first thing dropped when a document would outgrow its limit.
#include <catch2/catch.hpp>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/report/history_markdown.hpp"
#include "kvonce/report/load.hpp"
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
                      std::string(32, 'a')};
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

TEST_CASE("report history: a <details> block with a table, trace text inert") {
  IssueEntry issue{"<b>@alice|x</b>", "multiple-success", "m", "", ""};
  issue.history.push_back(
      HistoryEntry{3, "", "success", "", std::string("\"a|b<i>\""), std::string("\"x\""), "t"});
  const std::string out = history_details(issue, "");
  CHECK_THAT(out, Catch::StartsWith("  <details><summary>History of <code>&lt;b&gt;@&#8203;"
                                    "alice|x&lt;/b&gt;</code> (1 event)</summary>\n\n"));
  CHECK_THAT(out, Catch::Contains("  | 3 | – | success | – | value \"a\\|b&lt;i&gt;\", reason "
                                  "\"x\" | t |\n"));
  CHECK_THAT(out, Catch::EndsWith("\n  </details>\n\n"));
  CHECK(history_details(IssueEntry{}, "").empty());
}

TEST_CASE("report history: histories are dropped first, the issue lines and limits hold") {
  const Report plain = with_histories(9000, false), full = with_histories(9000, true);
  const std::string summary = step_summary_markdown(full, 200);
  const std::string comment = pr_comment_markdown(full, 10);
  const CheckRunContent check = check_run_content(full);
  CHECK(summary.size() <= kStepSummaryMaxBytes);
  CHECK(comment.size() <= kCommentMaxBytes);
  CHECK(check.text.size() <= kCheckRunMaxBytes);
  // The same issue lines as without histories: none gave way to a history.
  const std::string plain_summary = step_summary_markdown(plain, 200);
  CHECK(count(summary, "- \\[multiple-success\\]") ==
        count(plain_summary, "- \\[multiple-success\\]"));
  CHECK(count(comment, "- \\[multiple-success\\]") ==
        count(pr_comment_markdown(plain, 10), "- \\[multiple-success\\]"));
  CHECK_THAT(summary, Catch::Contains("more (see otlp/kvonce-validation.json)"));
  // Some histories fit, from the first issue on; not all of them.
  const std::size_t shown = count(summary, "<details>");
  CHECK(shown > 0);
  CHECK(shown < count(summary, "- \\[multiple-success\\]"));
  CHECK_THAT(
      summary,
      Catch::Contains("`order-0`: success appeared 2 times — 2025-10-09T08:53:20.000Z, trace `" +
                      std::string(32, 'a') + "`\n  <details>"));
  // The PR comment's ten issues each have room for theirs.
  CHECK(count(comment, "<details>") == 20);
}

TEST_CASE("report history: the Step Summary's warnings keep their room, histories give way") {
  Report full = with_histories(9000, true);
  // Five long warnings per mode: more than the room any history leaves over.
  for (ModeResult& m : full.modes) m.warnings.assign(5, "skipped " + std::string(400, 'w'));
  const std::string summary = step_summary_markdown(full, 200);
  CHECK(summary.size() <= kStepSummaryMaxBytes);
  CHECK(count(summary, "- skipped " + std::string(400, 'w') + "\n") == 10);
  CHECK(count(summary, "<details>") > 0);
}

// One issue list for both modes: agreeing modes show each issue once, disagreeing modes show the
// difference.
#include <catch2/catch.hpp>

#include "kvonce/report/issue_merge.hpp"
#include "kvonce/report/issue_table.hpp"
#include "kvonce/report/writers.hpp"

using namespace kvonce::report;

namespace {

IssueEntry issue(const std::string& type, const std::string& key, const std::string& trace = "t1") {
  return IssueEntry{key,
                    type,
                    type + " on " + key + " (1 occurrence)",
                    "2025-10-09T08:53:20.000Z",
                    trace,
                    "00f067aa0ba902b7"};
}

ModeResult mode(const std::string& name, std::vector<IssueEntry> issues) {
  ModeResult m;
  m.mode = name;
  m.status = issues.empty() ? ModeStatus::valid : ModeStatus::invalid;
  m.events = 4;
  m.keys = 2;
  m.issue_count = issues.size();
  m.issues = std::move(issues);
  return m;
}

Report report_of(std::vector<IssueEntry> otlp, std::vector<IssueEntry> ndjson) {
  Report r;
  r.modes.push_back(mode("otlp", std::move(otlp)));
  r.modes.push_back(mode("ndjson", std::move(ndjson)));
  return r;
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("merge_issues: agreeing modes list each issue once") {
  const Report r = report_of({issue("multiple-success", "a"), issue("key-missing", "b")},
                             {issue("multiple-success", "a"), issue("key-missing", "b")});
  const MergedIssues m = merge_issues(r);
  CHECK(m.agree);
  CHECK_FALSE(m.show_modes());
  REQUIRE(m.rows.size() == 2);
  CHECK(m.rows[0].modes == 3);
  CHECK(verdict_line(r, m) == "❌ **Invalid**: both modes report the same 2 issues");
  const std::string md = pr_comment_markdown(r, 10);
  CHECK(count_of(md, "`a`") == 1);
  CHECK(count_of(md, "`b`") == 1);
  CHECK_THAT(md, Catch::Contains("| rule | key | what | when | trace |\n"));
}

TEST_CASE("merge_issues: disagreeing modes show the common issues once and the difference") {
  const Report r = report_of({issue("multiple-success", "a"), issue("key-missing", "b")},
                             {issue("multiple-success", "a"), issue("retry-bound-exceeded", "c")});
  const MergedIssues m = merge_issues(r);
  CHECK_FALSE(m.agree);
  REQUIRE(m.rows.size() == 3);
  CHECK(modes_text(r, m.rows[0].modes) == "otlp, ndjson");
  CHECK(modes_text(r, m.rows[1].modes) == "otlp");
  CHECK(modes_text(r, m.rows[2].modes) == "ndjson");
  CHECK(verdict_line(r, m) ==
        "❌ **Invalid**: the modes disagree: 1 issue in both, 1 only in otlp, 1 only in ndjson");
  const std::string md = pr_comment_markdown(r, 10);
  CHECK_THAT(md, Catch::Contains("| rule | key | what | when | trace | modes |\n"));
  CHECK_THAT(md, Catch::Contains("| otlp, ndjson |\n"));
  CHECK_THAT(md, Catch::Contains("| otlp |\n"));
  CHECK_THAT(md, Catch::Contains("| ndjson |\n"));
  CHECK(count_of(md, "`a`") == 1);
}

TEST_CASE("merge_issues: a different count of occurrences is a difference") {
  IssueEntry twice = issue("multiple-success", "a");
  twice.message = "multiple-success on a (2 occurrences)";
  const MergedIssues m = merge_issues(report_of({issue("multiple-success", "a")}, {twice}));
  CHECK_FALSE(m.agree);
  CHECK(m.rows.size() == 2);
}

TEST_CASE("merge_issues: only the issues kept are compared, the rest are counted per mode") {
  Report r = report_of({issue("multiple-success", "a")}, {issue("multiple-success", "a")});
  r.modes[1].issue_count = 5;
  CHECK(merge_issues(r).agree);
  CHECK_THAT(pr_comment_markdown(r, 10),
             Catch::Contains("\n- … 4 more (see ndjson/kvonce-validation.json)\n") &&
                 !Catch::Contains("more (see otlp/"));
}

TEST_CASE("merge_issues: a valid run and a mode that could not be read") {
  Report r = report_of({}, {});
  CHECK(verdict_line(r, merge_issues(r)) == "✅ **Valid**: no issues in otlp and ndjson");
  r.modes[1].status = ModeStatus::error;
  r.modes[0] = mode("otlp", {issue("key-missing", "k")});
  CHECK(verdict_line(r, merge_issues(r)) ==
        "❌ **Invalid**: 1 issue in otlp; ndjson could not be read");
}

TEST_CASE("issue table: trace cells link to the templated URL") {
  Report r = report_of({issue("key-missing", "k", "4bf92f3577b34da6a3ce929d0e0e4736")},
                       {issue("key-missing", "k", "4bf92f3577b34da6a3ce929d0e0e4736")});
  CHECK(trace_cell(r, r.modes[0].issues[0]) == "`4bf92f3577b34da6a3ce929d0e0e4736`");
  r.trace_link = TraceLinkTemplate::parse("https://j.example/trace/{traceId}?s={spanId}", "x");
  CHECK(trace_cell(r, r.modes[0].issues[0]) ==
        "[`4bf92f3577b34da6…`](https://j.example/trace/"
        "4bf92f3577b34da6a3ce929d0e0e4736?s=00f067aa0ba902b7)");
  for (const std::string& md :
       {pr_comment_markdown(r, 10), step_summary_markdown(r, 10), check_run_content(r).text}) {
    CHECK(
        count_of(
            md, "](https://j.example/trace/4bf92f3577b34da6a3ce929d0e0e4736?s=00f067aa0ba902b7)") ==
        1);
  }
  r.modes[0].issues[0].span_id.clear();
  CHECK(trace_cell(r, r.modes[0].issues[0]) == "`4bf92f3577b34da6a3ce929d0e0e4736`");
}

TEST_CASE("issue table: a key with a pipe stays in its cell") {
  CHECK(cell_code("a|b", 80) == "`a\\|b`");
}

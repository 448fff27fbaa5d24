// The documents of the report: golden Markdown for the valid, invalid, missing, error and hostile
// trace directories in tests/data/report, and the size limits with 10,000 issues.
//
// To regenerate the goldens after an intended change: KVONCE_UPDATE_GOLDEN=1 kvonce_tests
// "[golden]", then review the diff of tests/data/report/golden.
#include <cstdlib>

#include <catch2/catch.hpp>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/report/load.hpp"
#include "kvonce/report/writers.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::report;
using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

const fs::path kReportData = fs::path(KVONCE_TEST_DATA) / "report";

// The fixture's path appears in error messages; goldens show a placeholder instead.
std::string without_path(std::string text, const fs::path& dir) {
  const std::string path = dir.string();
  for (std::size_t pos; (pos = text.find(path)) != std::string::npos;) {
    text.replace(pos, path.size(), "<trace-dir>");
  }
  return text;
}

void check_golden(const std::string& name, const std::string& actual) {
  const fs::path path = kReportData / "golden" / name;
  if (std::getenv("KVONCE_UPDATE_GOLDEN")) write_file(path, actual);
  INFO("golden file " << name);
  CHECK(actual == read_file(path));
}

std::string check_run_document(const CheckRunContent& c) {
  return "conclusion: " + c.conclusion + "\ntitle: " + c.title + "\n\n--- summary\n" + c.summary +
         "\n--- text\n" + c.text;
}

Report many_issues(std::size_t n, const std::string& key_prefix) {
  Report r;
  for (const char* mode : kvonce::trace_dir::kModes) {
    ModeResult m;
    m.mode = mode;
    m.status = ModeStatus::invalid;
    m.events = n;
    m.keys = n;
    m.issue_count = n;
    for (std::size_t i = 0; i < std::min<std::size_t>(n, 1000); ++i) {
      m.issues.push_back(IssueEntry{key_prefix + std::to_string(i), "multiple-success",
                                    std::string(300, '<') + " (2 occurrences)",
                                    "2025-10-09T08:53:20.000Z", std::string(32, 'a')});
    }
    r.modes.push_back(std::move(m));
  }
  return r;
}

}  // namespace

TEST_CASE("report writers: golden Markdown", "[golden]") {
  for (const char* name : {"valid", "invalid", "missing", "error", "hostile"}) {
    DYNAMIC_SECTION(name) {
      const fs::path dir = kReportData / name;
      const Report r = load_report(dir);
      check_golden(std::string(name) + ".summary.md",
                   without_path(step_summary_markdown(r, 10), dir));
      check_golden(std::string(name) + ".comment.md",
                   without_path(pr_comment_markdown(r, 10), dir));
      check_golden(std::string(name) + ".check-run.md",
                   without_path(check_run_document(check_run_content(r)), dir));
      check_golden(std::string(name) + ".outputs.txt", github_outputs_text(r));
    }
  }
}

TEST_CASE("step_summary_markdown") {
  const Report r = load_report(kReportData / "invalid");
  SECTION("--max-issues bounds the issues per mode") {
    const std::string md = step_summary_markdown(r, 1);
    // The modes agree: their issues not shown are said once.
    CHECK_THAT(md, Catch::Contains("- … 3 more in both modes (see otlp/kvonce-validation.json)"));
    CHECK_THAT(md, !Catch::Contains("(see ndjson/"));
  }
  SECTION("10,000 issues with long keys stay far below 1 MiB") {
    const std::string md =
        step_summary_markdown(many_issues(10'000, std::string(500, 'k')), 100'000);
    CHECK(md.size() <= kStepSummaryMaxBytes);
    CHECK_THAT(md, Catch::Contains("more in both modes (see otlp/kvonce-validation.json)"));
    CHECK_THAT(md, Catch::Contains("| otlp | ❌ invalid | 10000 | 10000 | 10000 |"));
  }
}

TEST_CASE("pr_comment_markdown") {
  SECTION("starts with the marker and the heading") {
    const std::string md = pr_comment_markdown(load_report(kReportData / "valid"), 10);
    CHECK(md.rfind("<!-- kvonce-trace-summary -->\n### KvOnce Trace Validation\n", 0) == 0);
  }
  SECTION("never more than 10 issues per mode, whatever --max-issues says") {
    const std::string md = pr_comment_markdown(many_issues(50, "k"), 1000);
    CHECK_THAT(md, Catch::Contains("`k9`") && !Catch::Contains("`k10`"));
    CHECK_THAT(md, Catch::Contains("- … 40 more"));
  }
  SECTION("modes that agree: the issues not shown are said once, not again for ndjson") {
    const std::string md = pr_comment_markdown(many_issues(14, "k"), 10);
    CHECK_THAT(md,
               Catch::Contains("\n- … 4 more in both modes (see otlp/kvonce-validation.json)\n"));
    CHECK_THAT(md, !Catch::Contains("ndjson/kvonce-validation.json"));
  }
  SECTION("modes that disagree: each mode says its own") {
    Report r = many_issues(14, "k");
    r.modes[1].issue_count = 15;
    const std::string md = pr_comment_markdown(r, 10);
    CHECK_THAT(md, Catch::Contains("- … 4 more (see otlp/kvonce-validation.json)\n") &&
                       Catch::Contains("- … 5 more (see ndjson/kvonce-validation.json)\n"));
  }
  SECTION("10,000 issues with long keys stay under 65,536 characters") {
    const std::string md = pr_comment_markdown(many_issues(10'000, std::string(100'000, 'k')), 10);
    CHECK(md.size() < 65'536);
    CHECK_THAT(md,
               Catch::EndsWith("Payload: no payload metadata (kvonce-payload-metadata.json)\n"));
  }
}

TEST_CASE("check_run_content") {
  SECTION("conclusions") {
    CHECK(check_run_content(load_report(kReportData / "valid")).conclusion == "success");
    CHECK(check_run_content(load_report(kReportData / "missing")).conclusion == "success");
    CHECK(check_run_content(load_report(kReportData / "invalid")).conclusion == "failure");
    CHECK(check_run_content(load_report(kReportData / "error")).conclusion == "failure");
    CHECK(check_run_content(load_report(kReportData / "no-such-dir")).conclusion == "neutral");
  }
  SECTION("10,000 issues fit GitHub's 65,535-character output fields") {
    const CheckRunContent c = check_run_content(many_issues(10'000, std::string(300, 'k')));
    CHECK(c.summary.size() <= kCheckRunMaxBytes);
    CHECK(c.text.size() <= kCheckRunMaxBytes);
    CHECK(c.text.size() > kCheckRunMaxBytes / 2);  // the room is used
    CHECK_THAT(c.text, Catch::Contains("more in both modes (see otlp/kvonce-validation.json)"));
    CHECK(c.title == "Invalid: otlp 10000 issues, ndjson 10000 issues");
  }
}

TEST_CASE("github_outputs_text") {
  SECTION("missing and error modes") {
    CHECK(
        github_outputs_text(load_report(kReportData / "error")) ==
        "valid_otlp=error\nissues_otlp=N/A\nvalid_ndjson=error\nissues_ndjson=N/A\nvalid=false\n");
    CHECK(github_outputs_text(load_report(kReportData / "no-such-dir")) ==
          "valid_otlp=missing\nissues_otlp=N/A\nvalid_ndjson=missing\nissues_ndjson=N/A\n"
          "valid=missing\n");
  }
}

TEST_CASE("github_output_entry") {
  SECTION("single line") {
    CHECK(github_output_entry("a", "b") == "a=b\n");
  }
  SECTION("multi-line values use a random heredoc delimiter") {
    const std::string entry = github_output_entry("text", "one\ntwo");
    REQUIRE(entry.rfind("text<<ghadelimiter_", 0) == 0);
    const std::string delimiter = entry.substr(6, entry.find('\n') - 6);
    CHECK(delimiter.size() == 13 + 32);
    CHECK(entry == "text<<" + delimiter + "\none\ntwo\n" + delimiter + "\n");
    CHECK(github_output_entry("text", "one\ntwo") != entry);
  }
}

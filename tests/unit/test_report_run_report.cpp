// The report step in-process: local documents, then the comment and Check Run on a fake GitHub.
#include <catch2/catch.hpp>

#include "kvonce/report/run_report.hpp"
#include "kvonce/util/error.hpp"

#include "github_fake_api.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::report;
using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

const fs::path kReportData = fs::path(KVONCE_TEST_DATA) / "report";
const std::string kSha = std::string(40, 'c');

struct Run {
  FakeGitHub github;
  std::vector<std::string> log;

  ReportOutcome operator()(ReportOptions o, std::map<std::string, std::string> env) {
    o.retry = transfer::RetryPolicy{2, 1, 10, [](auto) {}, {}, {}};
    o.accept_unrecorded = true;  // the fixtures are the old pipeline's files
    return run_report(o, environment_from(std::move(env)), github,
                      [this](const std::string& line) { log.push_back(line); });
  }
};

std::map<std::string, std::string> actions_env(const TempDir& dir) {
  return {{"GITHUB_TOKEN", FakeGitHub::kToken},
          {"GITHUB_REPOSITORY", "octo/repo"},
          {"GITHUB_API_URL", FakeGitHub::kBase},
          {"GITHUB_SHA", kSha},
          {"GITHUB_STEP_SUMMARY", (dir / "summary.md").string()},
          {"GITHUB_OUTPUT", (dir / "output.txt").string()}};
}

}  // namespace

TEST_CASE("run_report") {
  TempDir dir;
  Run run;
  ReportOptions o;
  o.trace_dir = kReportData / "invalid";

  SECTION("appends to $GITHUB_STEP_SUMMARY and $GITHUB_OUTPUT; publishes nothing unasked") {
    write_file(dir / "summary.md", "earlier step\n");
    const ReportOutcome out = run(o, actions_env(dir));
    CHECK(out.verdict == Overall::invalid);
    CHECK_THAT(read_file(dir / "summary.md"),
               Catch::StartsWith("earlier step\n## KvOnce Trace Validation"));
    CHECK_THAT(read_file(dir / "output.txt"),
               Catch::Contains("valid_ndjson=false\nissues_ndjson=4\n"));
    CHECK(run.github.requests.empty());
    CHECK_FALSE(out.comment);
  }
  SECTION("the flags win over the environment") {
    o.step_summary = (dir / "mine.md").string();
    o.github_output = (dir / "mine.txt").string();
    o.pr_comment = (dir / "comment.md").string();
    run(o, actions_env(dir));
    CHECK(fs::exists(dir / "mine.md"));
    CHECK(fs::exists(dir / "mine.txt"));
    CHECK_THAT(read_file(dir / "comment.md"), Catch::StartsWith("<!-- kvonce-trace-summary -->"));
    CHECK(dir.files() == std::vector<std::string>{"comment.md", "mine.md", "mine.txt"});
  }
  SECTION("posts the comment and the check run, then updates both in place") {
    o.post_comment = true;
    o.check_run = true;
    o.pr = 7;
    const ReportOutcome first = run(o, actions_env(dir));
    REQUIRE(first.comment);
    CHECK(first.comment->created);
    REQUIRE(first.check_run);
    CHECK(first.check_run->created);
    REQUIRE(run.github.check_runs.size() == 1);
    CHECK(run.github.check_runs[0].doc["conclusion"] == "failure");
    CHECK(run.github.check_runs[0].head_sha == kSha);

    o.trace_dir = kReportData / "valid";
    const ReportOutcome second = run(o, actions_env(dir));
    CHECK_FALSE(second.comment->created);
    CHECK_FALSE(second.check_run->created);
    REQUIRE(run.github.comments.size() == 1);
    CHECK_THAT(run.github.comments[0].body, Catch::Contains("✅ **ndjson**: valid"));
    CHECK(run.github.check_runs[0].doc["conclusion"] == "success");
    for (const std::string& line : run.log) CHECK_THAT(line, !Catch::Contains(FakeGitHub::kToken));
  }
  SECTION("a usage error is found before anything is written or sent") {
    o.post_comment = true;  // no --pr and no event
    CHECK_THROWS_AS(run(o, actions_env(dir)), Error);
    CHECK(dir.files().empty());
    CHECK(run.github.requests.empty());
  }
  SECTION("an API failure still leaves the local documents") {
    o.check_run = true;
    auto env = actions_env(dir);
    env["GITHUB_TOKEN"] = "revoked-token-value";
    try {
      run(o, env);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK_THAT(e.what(), !Catch::Contains("revoked-token-value"));
    }
    CHECK(fs::exists(dir / "summary.md"));
    CHECK(fs::exists(dir / "output.txt"));
  }
}

// `kvonce-trace report` from the command line: exit codes, files, usage errors.
#include <catch2/catch.hpp>

#include "support/test_support.hpp"

using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

const fs::path kReportData = fs::path(KVONCE_TEST_DATA) / "report";

// Always with explicit outputs, so a run under GitHub Actions never touches the job's own files.
// The fixtures are files of the pipeline this tool replaced: without outputSet records.
CliResult report(const TempDir& dir, const std::string& fixture,
                 std::vector<std::string> extra = {}) {
  std::vector<std::string> args{"report",
                                "--trace-dir",
                                (kReportData / fixture).string(),
                                "--step-summary",
                                (dir / "summary.md").string(),
                                "--github-output",
                                (dir / "output.txt").string(),
                                "--accept-unrecorded"};
  args.insert(args.end(), extra.begin(), extra.end());
  return run_cli(args);
}

}  // namespace

TEST_CASE("report: exit codes") {
  TempDir dir;
  SECTION("every present mode valid: 0") {
    CHECK(report(dir, "valid").exit_code == 0);
    CHECK(report(dir, "missing").exit_code == 0);
    CHECK(report(dir, "no-such-dir").exit_code == 0);
  }
  SECTION("an invalid mode: 1, unless --no-fail") {
    const CliResult r = report(dir, "invalid");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out,
               Catch::Contains("report: invalid") && Catch::Contains("ndjson: invalid, 4 issues"));
    CHECK(report(dir, "invalid", {"--no-fail"}).exit_code == 0);
  }
  SECTION("an unreadable mode: 1") {
    const CliResult r = report(dir, "error");
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("otlp: error: ") && Catch::Contains("does not exist"));
  }
}

TEST_CASE("report: files") {
  TempDir dir;
  SECTION("--pr-comment, --step-summary and --github-output") {
    const CliResult r =
        report(dir, "invalid", {"--pr-comment", (dir / "c.md").string(), "--max-issues", "2"});
    CHECK(r.exit_code == 1);
    CHECK_THAT(read_file(dir / "c.md"), Catch::StartsWith("<!-- kvonce-trace-summary -->"));
    CHECK_THAT(read_file(dir / "summary.md"), Catch::Contains("- … 2 more"));
    CHECK(read_file(dir / "output.txt") ==
          "valid_otlp=false\nissues_otlp=4\nvalid_ndjson=false\nissues_ndjson=4\nvalid=false\n");
  }
  SECTION("an unwritable comment path: exit 6, no partial file") {
    const CliResult r = report(dir, "valid", {"--pr-comment", (dir / "none" / "c.md").string()});
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("none/c.md"));
    CHECK_FALSE(fs::exists(dir / "none"));
  }
}

TEST_CASE("report: usage") {
  TempDir dir;
  SECTION("--source-type needs --metadata-for") {
    CHECK(report(dir, "valid", {"--source-type", "sample"}).exit_code == 3);
  }
  SECTION("--metadata-for needs --source-type") {
    CHECK(report(dir, "valid", {"--metadata-for", "x"}).exit_code == 3);
  }
  SECTION("--pr must be positive") {
    CHECK(report(dir, "valid", {"--pr", "0"}).exit_code == 3);
  }
  SECTION("nothing is written on a usage error") {
    report(dir, "valid", {"--max-issues", "-1"});
    CHECK(dir.files().empty());
  }
}

TEST_CASE("report refuses to write over the trace directory it reads or the payload") {
  TempDir dir;
  const fs::path trace = dir / "trace";
  REQUIRE(run_cli({"run", "--trace-dir", trace.string()}).exit_code == 0);
  const fs::path validation = trace / "otlp/kvonce-validation.json";
  const std::string before = read_file(validation);
  SECTION("--pr-comment = a validation file") {
    const auto r = run_cli({"report", "--trace-dir", trace.string(), "--pr-comment",
                            validation.string(), "--step-summary", (dir / "s.md").string(),
                            "--github-output", (dir / "o.txt").string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("--pr-comment"));
    CHECK(read_file(validation) == before);
  }
  SECTION("--metadata-for the metadata file it would write") {
    const fs::path metadata = trace / "kvonce-payload-metadata.json";
    const std::string meta_before = read_file(metadata);
    const auto r = run_cli({"report", "--trace-dir", trace.string(), "--metadata-for",
                            metadata.string(), "--source-type", "explicit", "--step-summary",
                            (dir / "s.md").string(), "--github-output", (dir / "o.txt").string()});
    CHECK(r.exit_code == 3);
    CHECK(read_file(metadata) == meta_before);
  }
}

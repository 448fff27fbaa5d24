// run_batch: a pool of workers over local payloads; corrupt payloads, shards, resume, --jobs.
#include <algorithm>
#include <iterator>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/batch/batch.hpp"
#include "kvonce/batch/results_file.hpp"
#include "kvonce/batch/summary.hpp"
#include "kvonce/io/gzip_source.hpp"
#include "kvonce/util/error.hpp"

#include "batch_test_payloads.hpp"

using namespace kvonce;
using namespace kvonce::batch;

namespace {

BatchContext local_context(Progress* progress = nullptr) {
  return BatchContext{environment_from({}),
                      []() -> std::unique_ptr<net::HttpTransport> {
                        throw Error(ErrorKind::internal, "no network in this test");
                      },
                      progress,
                      {}};
}

// 30 payloads in the date layout: 27 valid, 2 invalid, 1 corrupt (in the middle of the listing).
std::string make_tree(const test::TempDir& dir) {
  for (int i = 0; i < 30; ++i) {
    const std::string day = "kvonce-trace/2025/10/" + std::string(i % 3 == 0 ? "01" : "02") + "/";
    const std::string name =
        (dir / "payloads").string() + "/" + day + "p" + std::to_string(100 + i);
    if (i == 13)
      test::write_payload(name + ".jsonl", test::corrupt_payload());
    else if (i == 7 || i == 21)
      test::write_payload(name + ".json", test::invalid_payload());
    else
      test::write_payload(name + ".json.gz", io::gzip_compress(test::valid_payload(3 + i % 4)));
  }
  return (dir / "payloads").string();
}

// A result without its timing, for comparing runs.
std::string fingerprint(PayloadResult r) {
  r.seconds = 0;
  return to_json_line(r);
}

std::vector<std::string> fingerprints(const std::vector<PayloadResult>& results) {
  std::vector<std::string> out;
  for (const auto& r : results) out.push_back(fingerprint(r));
  std::sort(out.begin(), out.end());
  return out;
}

// The lines of `a` missing from `b` and those of `b` missing from `a`: empty when equal.
std::vector<std::string> difference(const std::vector<PayloadResult>& a,
                                    const std::vector<PayloadResult>& b) {
  const auto fa = fingerprints(a), fb = fingerprints(b);
  std::vector<std::string> out;
  std::set_symmetric_difference(fa.begin(), fa.end(), fb.begin(), fb.end(),
                                std::back_inserter(out));
  return out;
}

}  // namespace

TEST_CASE("run_batch: a corrupt payload among good ones is reported and the batch goes on") {
  test::TempDir dir;
  const std::string root = make_tree(dir);
  BatchOptions options;
  options.inputs = {root};
  options.jobs = 2;
  options.results = dir / "results.jsonl";
  const BatchRun run = run_batch(options, local_context());
  REQUIRE(run.results.size() == 30);
  CHECK(run.listed == 30);
  const Totals t = tally(run.results);
  CHECK(t.valid == 27);
  CHECK(t.invalid == 2);
  CHECK(t.failed == 1);
  CHECK(batch_exit_code(t, run.listed) == 1);

  const auto lines = read_results(dir / "results.jsonl").results;
  CHECK(lines.size() == 30);
  const auto corrupt =
      std::find_if(lines.begin(), lines.end(), [](const auto& r) { return r.error.has_value(); });
  REQUIRE(corrupt != lines.end());
  CHECK(corrupt->source == root + "/kvonce-trace/2025/10/02/p113.jsonl");
  CHECK(corrupt->error->kind == "input");
  CHECK_THAT(corrupt->error->message, Catch::Contains("p113.jsonl"));
}

TEST_CASE("run_batch: --jobs 4 gives the same results as --jobs 1") {
  test::TempDir dir;
  const std::string root = make_tree(dir);
  BatchOptions options;
  options.inputs = {root};
  options.jobs = 1;
  options.results = dir / "r1.jsonl";
  const BatchRun one = run_batch(options, local_context());
  options.jobs = 4;
  options.results = dir / "r4.jsonl";
  const BatchRun four = run_batch(options, local_context());
  CHECK(four.jobs == 4);
  CHECK(one.results.size() == 30);
  CHECK(difference(one.results, four.results).empty());
  CHECK(difference(read_results(dir / "r1.jsonl").results, read_results(dir / "r4.jsonl").results)
            .empty());
  // The run's results are sorted by source whatever order the workers finished in.
  CHECK(std::is_sorted(four.results.begin(), four.results.end(),
                       [](const auto& a, const auto& b) { return a.source < b.source; }));
}

TEST_CASE("run_batch: shards are disjoint and together verify every payload once") {
  test::TempDir dir;
  const std::string root = make_tree(dir);
  BatchOptions options;
  options.inputs = {root};
  options.jobs = 2;
  const BatchRun all = run_batch(options, local_context());
  for (std::uint32_t n : {2u, 3u, 5u}) {
    std::vector<PayloadResult> union_of_shards;
    for (std::uint32_t i = 0; i < n; ++i) {
      options.shard = Shard{i, n};
      const BatchRun part = run_batch(options, local_context());
      CHECK(part.listed == 30);
      union_of_shards.insert(union_of_shards.end(), part.results.begin(), part.results.end());
    }
    INFO("N = " << n);
    CHECK(union_of_shards.size() == all.results.size());
    CHECK(difference(union_of_shards, all.results).empty());
  }
}

TEST_CASE("run_batch: --from/--to restricts a directory to the chosen days") {
  test::TempDir dir;
  const std::string root = make_tree(dir);
  BatchOptions options;
  options.inputs = {root};
  options.from = "2025-10-01";
  options.to = "2025-10-01";
  const BatchRun run = run_batch(options, local_context());
  CHECK(run.results.size() == 10);
  for (const auto& r : run.results) CHECK_THAT(r.source, Catch::Contains("/2025/10/01/"));
  options.to.reset();
  CHECK_THROWS_WITH(run_batch(options, local_context()),
                    Catch::Contains("--from and --to go together"));
}

TEST_CASE("run_batch: --resume skips payloads verified with the same sha256") {
  test::TempDir dir;
  const std::string root = make_tree(dir);
  const auto results = dir / "results.jsonl";
  BatchOptions options;
  options.inputs = {root};
  options.jobs = 2;
  options.results = results;
  const BatchRun first = run_batch(options, local_context());

  SECTION("an interrupted batch: the recorded lines are kept, the rest is verified") {
    // Keep the first 12 lines and half of the 13th, as a killed batch would leave them.
    const auto lines = test::read_lines(results);
    std::string text;
    for (std::size_t i = 0; i < 12; ++i) text += lines[i] + "\n";
    text += lines[12].substr(0, 20);
    test::write_file(results, text);
    const std::size_t errors_kept = static_cast<std::size_t>(std::count_if(
        lines.begin(), lines.begin() + 12,
        [](const std::string& l) { return l.find("\"error\":{") != std::string::npos; }));

    options.results.reset();
    options.resume = results;  // results go to the resume file
    const BatchRun second = run_batch(options, local_context());
    CHECK(second.resumed == 12 - errors_kept);  // a failed payload is tried again
    CHECK(difference(second.results, first.results).empty());
    const auto after = read_results(results);
    CHECK_FALSE(after.torn_tail);
    CHECK(after.results.size() == 30 + errors_kept);  // the retried failure has its new line
  }
  SECTION("a changed payload is verified again") {
    const std::string changed = root + "/kvonce-trace/2025/10/02/p107.json";  // was invalid
    test::write_file(changed, test::valid_payload(2));
    options.resume = results;
    options.results = dir / "second.jsonl";
    const BatchRun second = run_batch(options, local_context());
    CHECK(second.resumed == 29 - 1);  // all but the changed one and the corrupt one
    const auto line = std::find_if(second.results.begin(), second.results.end(),
                                   [&](const auto& r) { return r.source == changed; });
    REQUIRE(line != second.results.end());
    CHECK(line->valid);
    // A separate results file receives the resumed lines too, so it is complete on its own.
    CHECK(read_results(dir / "second.jsonl").results.size() == 30);
  }
  SECTION("a missing resume file is an empty one") {
    options.resume = dir / "not-yet.jsonl";
    options.results.reset();
    const BatchRun run = run_batch(options, local_context());
    CHECK(run.resumed == 0);
    CHECK(read_results(dir / "not-yet.jsonl").results.size() == 30);
  }
}

TEST_CASE("run_batch: its own results and outputs inside an INPUT directory are not payloads") {
  test::TempDir dir;
  const std::string root = make_tree(dir);
  BatchOptions options;
  options.inputs = {root};
  options.results = root + "/results.jsonl";
  test::write_file(*options.results, "");  // from an earlier run
  CHECK(run_batch(options, local_context()).results.size() == 30);
  std::filesystem::remove(*options.results);
  options.results.reset();
  options.resume = root + "/resume.jsonl";
  CHECK(run_batch(options, local_context()).results.size() == 30);  // creates resume.jsonl
  const BatchRun again = run_batch(options, local_context());       // then finds it
  CHECK(again.results.size() == 30);
  CHECK(again.resumed == 29);                                        // all but the corrupt payload
  CHECK(read_results(root + "/resume.jsonl").results.size() == 31);  // + the corrupt one again

  // Nor are verify's outputs written below an INPUT directory (their *.json files).
  std::filesystem::remove(root + "/resume.jsonl");
  options.resume.reset();
  options.payload.output_root = root + "/out";
  CHECK(run_batch(options, local_context()).results.size() == 30);
  CHECK(std::filesystem::exists(root + "/out"));
  CHECK(run_batch(options, local_context()).results.size() == 30);
}

TEST_CASE("run_batch: progress sees every payload, and fatal errors stop the batch") {
  test::TempDir dir;
  const std::string root = make_tree(dir);
  SECTION("progress") {
    std::ostringstream log;
    auto progress = make_log_progress(log);
    BatchOptions options;
    options.inputs = {root};
    options.jobs = 3;
    run_batch(options, local_context(progress.get()));
    const std::string text = log.str();
    CHECK(std::count(text.begin(), text.end(), '\n') == 30);
    CHECK_THAT(
        text, Catch::Contains("[30/30]") && Catch::Contains("ERROR") && Catch::Contains("INVALID"));
  }
  SECTION("a missing INPUT is an input error before anything is written") {
    BatchOptions options;
    options.inputs = {root, root + "/missing"};
    options.results = dir / "r.jsonl";
    CHECK_THROWS_AS(run_batch(options, local_context()), Error);
    CHECK_FALSE(std::filesystem::exists(dir / "r.jsonl"));
  }
  SECTION("an unwritable results file is an output error") {
    BatchOptions options;
    options.inputs = {root};
    options.results = dir / "no/dir/r.jsonl";
    try {
      run_batch(options, local_context());
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::output);
    }
  }
  SECTION("no payload at all") {
    std::filesystem::create_directories(dir / "empty");
    BatchOptions options;
    options.inputs = {(dir / "empty").string()};
    const BatchRun run = run_batch(options, local_context());
    CHECK(run.results.empty());
    CHECK(batch_exit_code(tally(run.results), run.listed) == 2);
  }
}

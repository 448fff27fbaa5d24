// `batch merge`: shard results combined; within a file the last line wins; duplicates reported.
#include <catch2/catch.hpp>

#include "kvonce/batch/merge.hpp"
#include "kvonce/batch/summary.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::batch;

namespace {

PayloadResult line(const std::string& source, const std::string& sha, bool valid,
                   std::optional<std::string> error = std::nullopt) {
  PayloadResult r;
  r.source = source;
  r.sha256 = sha;
  r.valid = valid && !error;
  r.events = error ? 0 : 5;
  if (error) r.error = PayloadError{*error, "message"};
  return r;
}

void write(const std::filesystem::path& path, const std::vector<PayloadResult>& lines,
           const std::string& tail = "") {
  std::string text;
  for (const auto& r : lines) text += to_json_line(r);
  test::write_file(path, text + tail);
}

std::vector<std::string> sources(const MergeResult& m) {
  std::vector<std::string> out;
  for (const auto& r : m.results) out.push_back(r.source);
  return out;
}

}  // namespace

TEST_CASE("merge_results") {
  test::TempDir dir;
  SECTION("disjoint shards: every result once, sorted by source") {
    write(dir / "r0.jsonl", {line("c", "3", true), line("a", "1", true)});
    write(dir / "r1.jsonl", {line("b", "2", false)});
    const MergeResult m = merge_results({dir / "r0.jsonl", dir / "r1.jsonl"});
    CHECK(sources(m) == std::vector<std::string>{"a", "b", "c"});
    CHECK(m.duplicates.empty());
    CHECK(batch_exit_code(tally(m.results), m.results.size(), m.duplicates.size()) == 1);
    CHECK_THAT(m.notes.front(), Catch::Contains("2 results file(s), 3 lines"));
  }
  SECTION("within one file the last line of a source wins (a retried payload)") {
    write(dir / "r0.jsonl",
          {line("a", "", false, "fetch"), line("b", "2", true), line("a", "1", true)});
    const MergeResult m = merge_results({dir / "r0.jsonl"});
    REQUIRE(m.results.size() == 2);
    CHECK(m.results[0].source == "a");
    CHECK(m.results[0].valid);
    CHECK(batch_exit_code(tally(m.results), 2, m.duplicates.size()) == 0);
  }
  SECTION("the same source in two files is a duplicate: counted once, reported, exit 1") {
    write(dir / "r0.jsonl", {line("a", "1", true), line("b", "2", true)});
    write(dir / "r1.jsonl", {line("a", "1", true)});
    write(dir / "r2.jsonl", {line("b", "9", true)});  // another version of b
    const MergeResult m = merge_results({dir / "r0.jsonl", dir / "r1.jsonl", dir / "r2.jsonl"});
    CHECK(sources(m) == std::vector<std::string>{"a", "b", "b"});
    REQUIRE(m.duplicates.size() == 2);
    CHECK(m.duplicates[0] ==
          "a in " + (dir / "r0.jsonl").string() + " and " + (dir / "r1.jsonl").string());
    CHECK(m.duplicates[1] ==
          "b in " + (dir / "r0.jsonl").string() + " and " + (dir / "r2.jsonl").string());
    CHECK(batch_exit_code(tally(m.results), m.results.size(), m.duplicates.size()) == 1);
  }
  SECTION("an interrupted shard's torn last line is ignored and noted") {
    write(dir / "r0.jsonl", {line("a", "1", true)}, "{\"source\":\"b\",\"sha");
    const MergeResult m = merge_results({dir / "r0.jsonl"});
    CHECK(sources(m) == std::vector<std::string>{"a"});
    CHECK_THAT(m.notes.back(), Catch::Contains("incomplete last line"));
  }
  SECTION("a malformed line fails the merge naming FILE:LINE") {
    test::write_file(dir / "r0.jsonl", to_json_line(line("a", "1", true)) + "oops\n");
    CHECK_THROWS_WITH(merge_results({dir / "r0.jsonl"}), Catch::Contains("r0.jsonl:2:"));
  }
  SECTION("no results at all: exit 2") {
    test::write_file(dir / "r0.jsonl", "");
    const MergeResult m = merge_results({dir / "r0.jsonl"});
    CHECK(m.results.empty());
    CHECK(batch_exit_code(tally(m.results), 0, 0) == 2);
  }
}

// The results file: appended line by line, read back with a torn last line ignored.
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "kvonce/batch/results_file.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::batch;

namespace {

PayloadResult result(const std::string& source) {
  PayloadResult r;
  r.source = source;
  r.sha256 = "ab";
  r.valid = true;
  r.events = 1;
  return r;
}

}  // namespace

TEST_CASE("ResultsWriter") {
  test::TempDir dir;
  const auto path = dir / "results.jsonl";

  SECTION("each line is on disk as soon as it is appended") {
    ResultsWriter writer(path);
    writer.append(result("a"));
    CHECK(test::read_lines(path).size() == 1);  // before close: flushed
    writer.append(result("b"));
    CHECK(test::read_lines(path).size() == 2);
    writer.close();
  }
  SECTION("an existing file is appended to and never truncated") {
    test::write_file(path, to_json_line(result("old")));
    ResultsWriter writer(path);
    writer.append(result("new"));
    writer.close();
    const auto read = read_results(path);
    REQUIRE(read.results.size() == 2);
    CHECK(read.results[0].source == "old");
    CHECK(read.results[1].source == "new");
  }
  SECTION("a torn tail is cut off before appending") {
    test::write_file(path, to_json_line(result("kept")) + "{\"source\":\"tor");
    const auto before = read_results(path);
    CHECK(before.torn_tail);
    ResultsWriter writer(path);
    writer.append(result("next"));
    writer.close();
    const auto after = read_results(path);
    CHECK_FALSE(after.torn_tail);
    REQUIRE(after.results.size() == 2);
    CHECK(after.results[0].source == "kept");
    CHECK(after.results[1].source == "next");
  }
  SECTION("lines from several threads never interleave") {
    ResultsWriter writer(path);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&writer, t] {
        for (int i = 0; i < 200; ++i)
          writer.append(result(std::to_string(t) + "-" + std::to_string(i)));
      });
    }
    for (auto& t : threads) t.join();
    writer.close();
    CHECK(read_results(path).results.size() == 800);
  }
  SECTION("a directory that does not exist is an output error naming the file") {
    try {
      ResultsWriter writer(dir / "no/such/dir/r.jsonl");
      FAIL("opened");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::output);
      CHECK_THAT(e.what(), Catch::Contains("r.jsonl"));
    }
  }
}

TEST_CASE("ResultsWriter: one writer at a time") {
  test::TempDir dir;
  const auto path = dir / "results.jsonl";
  ResultsWriter first(path);
  first.append(result("first"));
  SECTION("a second writer waits up to its bound and is then refused naming the file") {
    const auto start = std::chrono::steady_clock::now();
    try {
      ResultsWriter second(path, std::chrono::milliseconds(300));
      FAIL("a second writer opened a locked results file");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::output);
      CHECK_THAT(e.what(),
                 Catch::Contains("results.jsonl") && Catch::Contains("another kvonce-trace batch"));
    }
    CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(300));
    first.append(result("still first"));
    first.close();
    CHECK(read_results(path).results.size() == 2);
  }
  SECTION("a second writer gets the file once the first has closed it") {
    std::thread closer([&first] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      first.close();
    });
    ResultsWriter second(path, std::chrono::seconds(10));
    closer.join();
    second.append(result("second"));
    second.close();
    const auto read = read_results(path);
    REQUIRE(read.results.size() == 2);
    CHECK(read.results[1].source == "second");
  }
}

TEST_CASE("read_results") {
  test::TempDir dir;
  const auto path = dir / "results.jsonl";
  SECTION("blank lines are skipped; a malformed line names FILE:LINE") {
    test::write_file(path,
                     to_json_line(result("a")) + "\n" + "garbage\n" + to_json_line(result("b")));
    try {
      read_results(path);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::input);
      CHECK_THAT(e.what(), Catch::Contains(path.string() + ":3: not a batch results line"));
    }
  }
  SECTION("an empty file has no results; a missing one is an input error") {
    test::write_file(path, "");
    CHECK(read_results(path).results.empty());
    CHECK_THROWS_AS(read_results(dir / "missing.jsonl"), Error);
  }
}

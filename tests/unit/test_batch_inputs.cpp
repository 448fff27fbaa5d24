// Expanding local INPUTs: files, directories (recursively, payload names only), dates.
#include <catch2/catch.hpp>

#include "kvonce/batch/inputs.hpp"
#include "kvonce/batch/remote.hpp"
#include "kvonce/util/error.hpp"

#include "batch_test_payloads.hpp"

using namespace kvonce;
using namespace kvonce::batch;

namespace {

std::vector<std::string> sources(const std::vector<PayloadRef>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) out.push_back(r.source);
  return out;
}

std::vector<std::string> expand(const std::vector<std::string>& inputs,
                                const std::vector<std::string>& dates = {}) {
  std::vector<PayloadRef> refs;
  for (const auto& in : inputs) expand_local_input(in, dates, refs);
  sort_unique(refs);
  return sources(refs);
}

}  // namespace

TEST_CASE("is_payload_name") {
  for (const char* yes : {"a.json", "a.json.gz", "a.jsonl", "a.jsonl.gz", "dir/x.y.json", "a.zst",
                          "a.json.zst", "a.pb", "a.pb.gz", "a.binpb", "a.binpb.gz"}) {
    CHECK(is_payload_name(yes));
  }
  for (const char* no : {"a.ndjson", "a.json.bak", "a.gz", ".json", "a.JSON", "a.json.gz.tmp",
                         ".complete", "a.jsonl.zip", "dir/", "trace.proto", "a.pb.tmp", ".zst"}) {
    CHECK_FALSE(is_payload_name(no));
  }
}

TEST_CASE("is_remote_input") {
  CHECK(is_remote_input("s3://b/p/"));
  CHECK(is_remote_input("gs://b"));
  CHECK_FALSE(is_remote_input("s3:/b"));
  CHECK_FALSE(is_remote_input("./s3://b"));
}

TEST_CASE("expand_local_input") {
  test::TempDir dir;
  const std::string root = dir.path().string();
  for (const char* name : {"a.json", "b.json.gz", "sub/c.jsonl", "sub/deeper/d.jsonl.gz",
                           "sub/notes.txt", "sub/e.ndjson", ".complete"}) {
    test::write_payload(dir / name, "x");
  }

  SECTION("a directory is walked recursively for payload names, sorted, named below the INPUT") {
    CHECK(expand({root}) == std::vector<std::string>{root + "/a.json", root + "/b.json.gz",
                                                     root + "/sub/c.jsonl",
                                                     root + "/sub/deeper/d.jsonl.gz"});
    CHECK(expand({root + "/"}) == expand({root}));  // a trailing slash names payloads alike
  }
  SECTION("a file is taken whatever its name; repeats are dropped") {
    const std::string notes = root + "/sub/notes.txt";
    CHECK(expand({notes}) == std::vector<std::string>{notes});
    CHECK(expand({root + "/a.json", root + "/a.json", root}).size() == 4);
  }
  SECTION("a missing INPUT is an input error naming it") {
    std::vector<PayloadRef> refs;
    try {
      expand_local_input(root + "/missing", {}, refs);
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::input);
      CHECK_THAT(e.what(), Catch::Contains(root + "/missing"));
    }
  }
}

TEST_CASE("expand_local_input with dates") {
  test::TempDir dir;
  const std::string root = dir.path().string();
  for (const char* name :
       {"kvonce-trace/2025/09/30/late.json", "kvonce-trace/2025/10/01/a.json.gz",
        "kvonce-trace/2025/10/01/batch/b.jsonl", "kvonce-trace/2025/10/15/c.json",
        "kvonce-trace/2025/10/31/d.json", "kvonce-trace/2025/11/01/e.json",
        "other/2025/10/01/f.json", "kvonce-trace/2025/10/1/g.json"}) {
    test::write_payload(dir / name, "x");
  }
  const auto october = [] {
    std::vector<std::string> days;
    for (int d = 1; d <= 31; ++d)
      days.push_back("2025-10-" + std::string(d < 10 ? "0" : "") + std::to_string(d));
    return days;
  }();

  SECTION("only the selected days under DIR/kvonce-trace/ are read") {
    CHECK(expand({root}, october) ==
          std::vector<std::string>{root + "/kvonce-trace/2025/10/01/a.json.gz",
                                   root + "/kvonce-trace/2025/10/01/batch/b.jsonl",
                                   root + "/kvonce-trace/2025/10/15/c.json",
                                   root + "/kvonce-trace/2025/10/31/d.json"});
  }
  SECTION("one day; a day without a directory has no payloads") {
    CHECK(expand({root}, {"2025-11-01"}) ==
          std::vector<std::string>{root + "/kvonce-trace/2025/11/01/e.json"});
    CHECK(expand({root}, {"2024-01-01"}).empty());
  }
  SECTION("the names do not depend on whether dates were given") {
    const auto all = expand({root});
    for (const auto& s : expand({root}, october)) {
      CHECK(std::find(all.begin(), all.end(), s) != all.end());
    }
  }
  SECTION("a named file is taken whatever the dates") {
    const std::string file = root + "/other/2025/10/01/f.json";
    CHECK(expand({file}, {"2025-11-01"}) == std::vector<std::string>{file});
  }
}

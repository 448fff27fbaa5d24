// `kvonce-trace batch` and `batch merge` end to end (in-process).
#include <catch2/catch.hpp>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <sys/file.h>
#include <unistd.h>

#include "kvonce/batch/results_file.hpp"
#include "kvonce/crypto/crypto.hpp"

#include "batch_test_payloads.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

// Six payloads: four valid, one invalid, one corrupt.
std::string make_dir(const TempDir& dir) {
  for (int i = 0; i < 4; ++i)
    write_payload(dir / ("in/v" + std::to_string(i) + ".json"), valid_payload(2 + i));
  write_payload(dir / "in/bad.json", invalid_payload());
  write_payload(dir / "in/sub/corrupt.jsonl", corrupt_payload());
  return (dir / "in").string();
}

}  // namespace

TEST_CASE("cli batch: results lines, the summary on stdout, exit 1 for a corrupt payload") {
  TempDir dir;
  const std::string in = make_dir(dir);
  const auto r = run_cli({"batch", "--jobs", "2", "--results", (dir / "r.jsonl").string(), in});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.out, Catch::StartsWith("## kvonce-trace batch\n"));
  CHECK_THAT(r.out, Catch::Contains("| 6 | 4 | 1 | 0 | 1 | 0 |"));
  CHECK_THAT(r.out, Catch::Contains("| " + in + "/sub/corrupt.jsonl | input |"));
  CHECK_THAT(r.out, Catch::Contains("with 2 jobs"));
  // Not a terminal: one plain line per payload on stderr.
  CHECK_THAT(r.err,
             Catch::Contains("[6/6]") && Catch::Contains("ERROR     " + in + "/sub/corrupt.jsonl"));
  const auto lines = read_lines(dir / "r.jsonl");
  REQUIRE(lines.size() == 6);
  for (const auto& line : lines) {
    const auto doc = nlohmann::json::parse(line);
    for (const char* field : {"source", "sha256", "bytes", "events", "keys", "valid", "issueCounts",
                              "error", "seconds"}) {
      CHECK(doc.contains(field));
    }
  }
}

TEST_CASE("cli batch: exit codes 0 and 2, --summary FILE") {
  TempDir dir;
  write_payload(dir / "ok/a.json", valid_payload(3));
  write_payload(dir / "none/a.json", eventless_payload());
  std::filesystem::create_directories(dir / "empty");
  SECTION("all valid: 0; the summary goes to the file, one line to stdout") {
    const auto r = run_cli({"batch", (dir / "ok").string(), "--summary", (dir / "s.md").string()});
    CHECK(r.exit_code == 0);
    CHECK(r.out ==
          "batch: 1 of 1 payloads valid; 3 events; summary in " + (dir / "s.md").string() + "\n");
    CHECK_THAT(read_file(dir / "s.md"), Catch::StartsWith("## kvonce-trace batch"));
  }
  SECTION("no payload with events: 2; no payload at all: 2") {
    CHECK(run_cli({"batch", (dir / "none").string()}).exit_code == 2);
    CHECK(run_cli({"batch", (dir / "empty").string()}).exit_code == 2);
  }
}

TEST_CASE("cli batch: usage and input errors") {
  TempDir dir;
  const std::string in = make_dir(dir);
  const auto expect = [](std::vector<std::string> args, int code, const std::string& text) {
    const auto r = run_cli(std::move(args));
    CHECK(r.exit_code == code);
    CHECK_THAT(r.err, Catch::Contains(text));
  };
  expect({"batch"}, 3, "at least one INPUT");
  expect({"batch", in, "--shard", "0/4"}, 3, "count from 1");
  expect({"batch", in, "--shard", "5/4"}, 3, "I from 1 to N");
  expect({"batch", in, "--shard", "x"}, 3, "--shard 'x'");
  expect({"batch", in, "--jobs", "0"}, 3, "--jobs");
  expect({"batch", in, "--from", "2025-10-01"}, 3, "--from and --to go together");
  expect({"batch", in, "--from", "2025-10-01", "--to", "2025-09-01"}, 3, "before --from");
  expect({"batch", (dir / "missing").string()}, 4, "missing");
  expect({"batch", "s3://"}, 3, "s3://");
  // Nothing was written by the failed runs.
  CHECK_FALSE(std::filesystem::exists(dir / "r.jsonl"));
}

TEST_CASE("cli batch: --output-dir writes verify's outputs per payload") {
  TempDir dir;
  write_payload(dir / "in/a.json", valid_payload(2));
  const auto r = run_cli({"batch", (dir / "in").string(), "--output-dir", (dir / "out").string()});
  CHECK(r.exit_code == 0);
  std::size_t validations = 0;
  for (const auto& f : dir.files())
    validations += f.find("kvonce-validation.json") != std::string::npos;
  CHECK(validations == 1);
}

TEST_CASE("cli batch: --output-dir sets record their payload, and --max-output-bytes bounds each") {
  TempDir dir;
  write_payload(dir / "in/a.json", valid_payload(2));
  const std::string payload_sha = kvonce::crypto::sha256_hex(read_file(dir / "in/a.json"));
  SECTION("the validation records the payload's SHA-256, as the results line does") {
    const auto r = run_cli({"batch", (dir / "in").string(), "--output-dir", (dir / "out").string(),
                            "--results", (dir / "r.jsonl").string()});
    CHECK(r.exit_code == 0);
    for (const auto& f : dir.files()) {
      if (f.find("kvonce-validation.json") == std::string::npos) continue;
      CHECK(nlohmann::json::parse(read_file(dir / f))["outputSet"]["payloadSha256"] == payload_sha);
    }
    CHECK_THAT(read_file(dir / "r.jsonl"), Catch::Contains(payload_sha));
  }
  SECTION("a payload whose outputs exceed the bound fails alone, with a limit error") {
    const auto r = run_cli({"batch", (dir / "in").string(), "--output-dir", (dir / "out").string(),
                            "--results", (dir / "r.jsonl").string(), "--max-output-bytes", "100"});
    CHECK(r.exit_code != 0);
    CHECK_THAT(read_file(dir / "r.jsonl"), Catch::Contains("--max-output-bytes"));
    for (const auto& f : dir.files()) CHECK(f.find("kvonce-validation.json") == std::string::npos);
  }
}

TEST_CASE("cli batch: shards, then merge") {
  TempDir dir;
  const std::string in = make_dir(dir);
  std::vector<std::string> files;
  std::size_t lines = 0;
  for (int i = 0; i < 3; ++i) {
    const std::string results = (dir / ("r" + std::to_string(i) + ".jsonl")).string();
    const auto r =
        run_cli({"batch", in, "--shard", std::to_string(i + 1) + "/3", "--results", results});
    CHECK((r.exit_code == 0 || r.exit_code == 1));
    CHECK_THAT(r.out, Catch::Contains("Shard " + std::to_string(i + 1) + "/3:") &&
                          Catch::Contains("of 6 listed payloads"));
    files.push_back(results);
    lines += read_lines(results).size();
  }
  CHECK(lines == 6);

  SECTION("merge: the whole picture and exit 1 (one invalid, one corrupt)") {
    std::vector<std::string> args{"batch", "merge"};
    args.insert(args.end(), files.begin(), files.end());
    const auto r = run_cli(args);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::StartsWith("## kvonce-trace batch merge") &&
                          Catch::Contains("| 6 | 4 | 1 | 0 | 1 |"));
    CHECK_THAT(r.out, !Catch::Contains("Duplicates"));
  }
  SECTION("merge with a shard given twice: duplicates, exit 1, written to --summary") {
    // Shards are uneven with six payloads: repeat one that has lines.
    const auto fullest = *std::max_element(
        files.begin(), files.end(),
        [](const auto& a, const auto& b) { return read_lines(a).size() < read_lines(b).size(); });
    const auto r = run_cli({"batch", "merge", files[0], files[1], files[2], fullest, "--summary",
                            (dir / "m.md").string()});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out, Catch::Contains("duplicate(s) across shards"));
    CHECK_THAT(read_file(dir / "m.md"), Catch::Contains("### Duplicates across shards"));
  }
  SECTION("merge of only valid results exits 0") {
    TempDir clean;
    write_payload(clean / "in/a.json", valid_payload(2));
    const std::string results = (clean / "r.jsonl").string();
    REQUIRE(run_cli({"batch", (clean / "in").string(), "--results", results}).exit_code == 0);
    CHECK(run_cli({"batch", "merge", results}).exit_code == 0);
  }
  SECTION("merge errors: a missing file and a malformed one (input, as docs/batch.md says)") {
    CHECK(run_cli({"batch", "merge", (dir / "missing.jsonl").string()}).exit_code == 4);
    write_file(dir / "bad.jsonl", "nope\n");
    const auto r = run_cli({"batch", "merge", (dir / "bad.jsonl").string()});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("bad.jsonl:1:"));
  }
}

TEST_CASE("cli batch: --resume continues an interrupted batch") {
  TempDir dir;
  const std::string in = make_dir(dir);
  const std::string results = (dir / "r.jsonl").string();
  // One job: lines in source order (bad, sub/corrupt, v0, v1, ...); keep v0 and v1.
  REQUIRE(run_cli({"batch", in, "--jobs", "1", "--results", results}).exit_code == 1);
  const auto lines = read_lines(results);
  REQUIRE(lines.size() == 6);
  REQUIRE_THAT(lines[2], Catch::Contains("/v0.json"));
  write_file(results, lines[2] + "\n" + lines[3] + "\n");
  const auto r = run_cli({"batch", in, "--resume", results});
  CHECK(r.exit_code == 1);
  CHECK_THAT(r.err, Catch::Contains("RESUMED"));
  CHECK(read_lines(results).size() == 6);
  CHECK_THAT(r.out, Catch::Contains("| 6 | 4 | 1 | 0 | 1 | 2 |"));
}

TEST_CASE("cli batch: --results appends to an existing file and never truncates it") {
  TempDir dir;
  write_payload(dir / "in/a.json", valid_payload(2));
  const std::string results = (dir / "r.jsonl").string();
  REQUIRE(run_cli({"batch", (dir / "in").string(), "--results", results}).exit_code == 0);
  const auto first = read_lines(results);
  REQUIRE(first.size() == 1);
  SECTION("a second run adds its lines after the first run's") {
    REQUIRE(run_cli({"batch", (dir / "in").string(), "--results", results}).exit_code == 0);
    const auto both = read_lines(results);
    REQUIRE(both.size() == 2);
    CHECK(both[0] == first[0]);
  }
  SECTION("a torn last line left by a killed run is cut off, the complete ones kept") {
    write_file(results, first[0] + "\n{\"source\":\"torn");
    REQUIRE(run_cli({"batch", (dir / "in").string(), "--results", results}).exit_code == 0);
    const auto read = batch::read_results(results);
    CHECK_FALSE(read.torn_tail);
    CHECK(read.results.size() == 2);
  }
}

TEST_CASE("cli batch: a results file another batch is writing is refused after the wait") {
  TempDir dir;
  write_payload(dir / "in/a.json", valid_payload(2));
  const auto results = dir / "r.jsonl";
  write_file(results, "");
  const int holder = ::open(results.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(holder >= 0);
  REQUIRE(::flock(holder, LOCK_EX | LOCK_NB) == 0);  // as a running batch holds it
  const auto r = run_cli({"batch", (dir / "in").string(), "--results", results.string(),
                          "--results-lock-wait", "0.2"});
  ::close(holder);
  CHECK(r.exit_code == 6);
  CHECK_THAT(r.err, Catch::Contains("r.jsonl") && Catch::Contains("another") &&
                        Catch::Contains("--results"));
  CHECK(read_file(results).empty());
}

TEST_CASE("cli batch: --summary may not be the results file or a payload") {
  TempDir dir;
  write_payload(dir / "in/a.json", valid_payload(2));
  const std::string results = (dir / "r.jsonl").string();
  SECTION("--summary = --results") {
    const auto r =
        run_cli({"batch", (dir / "in").string(), "--results", results, "--summary", results});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("--summary") && Catch::Contains("--results"));
    CHECK_FALSE(std::filesystem::exists(results));
  }
  SECTION("--summary = --resume") {
    REQUIRE(run_cli({"batch", (dir / "in").string(), "--results", results}).exit_code == 0);
    const std::string before = read_file(results);
    const auto r =
        run_cli({"batch", (dir / "in").string(), "--resume", results, "--summary", results});
    CHECK(r.exit_code == 3);
    CHECK(read_file(results) == before);
  }
  SECTION("--summary = a payload named as INPUT") {
    const std::string payload = (dir / "in/a.json").string();
    const std::string before = read_file(payload);
    CHECK(run_cli({"batch", payload, "--summary", payload}).exit_code == 3);
    CHECK(read_file(payload) == before);
  }
  SECTION("batch merge --summary = one of its RESULTS") {
    REQUIRE(run_cli({"batch", (dir / "in").string(), "--results", results}).exit_code == 0);
    const std::string before = read_file(results);
    CHECK(run_cli({"batch", "merge", results, "--summary", results}).exit_code == 3);
    CHECK(read_file(results) == before);
  }
}

namespace {

// One key retried four times, then written at its fifth attempt: valid with --max-retries 4 or
// more, invalid (retry-bound-exceeded) with 3.
void write_retried_payload(const std::filesystem::path& path) {
  std::string text;
  for (int i = 1; i <= 4; ++i) {
    text += ndjson_event(i, "retry", "k", "\"context\":{\"attempts\":" + std::to_string(i) + "}");
  }
  text += ndjson_event(5, "success", "k", "\"context\":{\"attempts\":5},\"value\":\"v\"");
  write_payload(path, text);
}

}  // namespace

TEST_CASE("cli batch: --resume reuses only verdicts judged under the same options") {
  TempDir dir;
  write_retried_payload(dir / "in/retried.json");
  write_payload(dir / "in/plain.json", valid_payload(2));
  const std::string in = (dir / "in").string(), results = (dir / "r.jsonl").string();
  REQUIRE(run_cli({"batch", in, "--max-retries", "10", "--results", results}).exit_code == 0);
  // A fresh run with --max-retries 3 finds the retried key over the bound.
  REQUIRE(run_cli({"batch", in, "--max-retries", "3"}).exit_code == 1);

  SECTION("each line records what its verdict was judged under") {
    for (const auto& line : read_lines(results)) {
      const auto judged = nlohmann::json::parse(line).at("judgedUnder");
      CHECK(judged == nlohmann::json{{"version", KVONCE_VERSION},
                                     {"profile", "spec"},
                                     {"maxRetries", 10},
                                     {"order", "realtime"},
                                     {"clockSkewNanos", 0},
                                     {"format", "auto"},
                                     {"maxDecompressedBytes", 1ULL << 30},
                                     {"maxStringBytes", 64u << 20},
                                     {"maxDepth", 256}});
    }
  }
  SECTION("other max retries: judged again, as a fresh run, and the console says how many") {
    const auto r = run_cli({"batch", in, "--max-retries", "3", "--resume", results});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("2 payloads were judged again: the --resume file recorded "
                                      "their verdicts under other options"));
    CHECK_THAT(r.err, !Catch::Contains("RESUMED"));
    CHECK_THAT(r.out, Catch::Contains("2 payloads were judged again"));
  }
  SECTION("another profile or order: judged again too") {
    CHECK_THAT(
        run_cli({"batch", in, "--max-retries", "10", "--profile", "compat", "--resume", results})
            .err,
        Catch::Contains("2 payloads were judged again"));
    CHECK_THAT(
        run_cli({"batch", in, "--max-retries", "10", "--order", "input", "--resume", results}).err,
        Catch::Contains("2 payloads were judged again"));
    CHECK_THAT(
        run_cli({"batch", in, "--max-retries", "10", "--clock-skew", "5ms", "--resume", results})
            .err,
        Catch::Contains("2 payloads were judged again"));
  }
  SECTION("the same options: resumed, nothing judged again") {
    const auto r = run_cli({"batch", in, "--max-retries", "10", "--resume", results});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.err, Catch::Contains("RESUMED") && !Catch::Contains("judged again"));
  }
  SECTION("lines that record no options (an older version's) are judged again") {
    std::string text;
    for (const auto& line : read_lines(results)) {
      auto doc = nlohmann::json::parse(line);
      doc.erase("judgedUnder");
      text += doc.dump() + "\n";
    }
    write_file(results, text);
    const auto r = run_cli({"batch", in, "--max-retries", "3", "--resume", results});
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Catch::Contains("2 payloads were judged again"));
  }
}

TEST_CASE("cli batch merge: shards judged under different options are refused") {
  TempDir dir;
  for (int i = 0; i < 8; ++i)
    write_payload(dir / ("in/p" + std::to_string(i) + ".json"), valid_payload(2));
  const std::string in = (dir / "in").string();
  const std::string r1 = (dir / "r1.jsonl").string(), r2 = (dir / "r2.jsonl").string();
  REQUIRE(
      run_cli({"batch", in, "--shard", "1/2", "--max-retries", "3", "--results", r1}).exit_code ==
      0);
  REQUIRE(
      run_cli({"batch", in, "--shard", "2/2", "--max-retries", "10", "--results", r2}).exit_code ==
      0);
  REQUIRE_FALSE(read_lines(r1).empty());
  REQUIRE_FALSE(read_lines(r2).empty());
  const auto r = run_cli({"batch", "merge", r1, r2});
  CHECK(r.exit_code == 4);
  CHECK_THAT(r.err, Catch::Contains("r2.jsonl: ") &&
                        Catch::Contains("judged under other options") &&
                        Catch::Contains("maxRetries 3 vs 10"));
  CHECK(r.out.empty());
}

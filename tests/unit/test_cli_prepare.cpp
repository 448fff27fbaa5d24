// `kvonce-trace prepare` end to end (in-process): outputs, summaries, every error path.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/io/gzip_source.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {
constexpr unsigned long long T0 = 1760000000000000000ULL;
}

TEST_CASE("prepare converts the reference OTLP sample to four NDJSON events") {
  TempDir dir;
  const auto r =
      run_cli({"prepare", "--input", test_data("kvonce-otlp.json"), "--output",
               (dir / "events.ndjson").string(), "--stats", (dir / "stats.json").string()});
  CHECK(r.exit_code == 0);
  const auto lines = read_lines(dir / "events.ndjson");
  REQUIRE(lines.size() == 4);
  for (const auto& l : lines) CHECK(nlohmann::json::parse(l).is_object());
  CHECK_THAT(r.err, Catch::Contains("4 events from 4 records"));
  const auto stats = nlohmann::json::parse(read_file(dir / "stats.json"));
  CHECK(stats["events"] == 4);
  CHECK(stats["inputs"][0]["gzip"] == false);
  CHECK(dir.files() == std::vector<std::string>{"events.ndjson", "events.ndjson.kvonce-source.json",
                                                "stats.json"});
}

TEST_CASE("prepare merges inputs (gzip, JSON Lines, stdin-free), ordered by time") {
  TempDir dir;
  write_file(dir / "a.json.gz", io::gzip_compress(otlp_doc({kv_span(T0 + 2, "success", "late")})) +
                                    io::gzip_compress(otlp_doc({kv_span(T0 + 1, "retry", "mid")})));
  write_file(dir / "b.jsonl", otlp_doc({kv_span(T0, "retry", "first")}) + "\n" +
                                  otlp_doc({kv_span(T0 + 3, "failure", "last")}) + "\n");
  const auto out = (dir / "out.ndjson").string();
  SECTION("time order") {
    REQUIRE(run_cli({"prepare", "-i", (dir / "a.json.gz").string(), "-i",
                     (dir / "b.jsonl").string(), "-o", out})
                .exit_code == 0);
    const auto lines = read_lines(out);
    REQUIRE(lines.size() == 4);
    CHECK_THAT(lines[0], Catch::Contains("\"key\":\"first\""));
    CHECK_THAT(lines[3], Catch::Contains("\"key\":\"last\""));
  }
  SECTION("input order") {
    REQUIRE(run_cli({"prepare", "-i", (dir / "a.json.gz").string(), "-i",
                     (dir / "b.jsonl").string(), "-o", out, "--order", "input"})
                .exit_code == 0);
    const auto lines = read_lines(out);
    REQUIRE(lines.size() == 4);
    CHECK_THAT(lines[0], Catch::Contains("\"key\":\"late\""));
  }
}

TEST_CASE("prepare: no KvOnce events is exit 2 and names the attributes") {
  TempDir dir;
  write_file(dir / "p.json", otlp_doc({span_json(T0, {str_attr("http.method", "GET")})}));
  const auto r =
      run_cli({"prepare", "-i", (dir / "p.json").string(), "-o", (dir / "o.ndjson").string()});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains("kvonce.event.type") && Catch::Contains("kvonce.event.key"));
  CHECK(dir.files() == std::vector<std::string>{"p.json"});
}

TEST_CASE("prepare: errors have distinct exit codes and leave no output file") {
  TempDir dir;
  const auto out = (dir / "o.ndjson").string();
  const std::string good = otlp_doc({kv_span(T0, "success", "k")});
  SECTION("malformed JSON: exit 4 with file, byte offset and line") {
    write_file(dir / "bad.json", good + "\n{\"resourceSpans\":[}");
    const auto r = run_cli({"prepare", "-i", (dir / "bad.json").string(), "-o", out});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err,
               Catch::Contains("bad.json: invalid JSON at byte") && Catch::Contains("line 2"));
    CHECK(dir.files() == std::vector<std::string>{"bad.json"});
  }
  SECTION("truncated gzip: exit 4") {
    const std::string gz = io::gzip_compress(good);
    write_file(dir / "t.gz", gz.substr(0, gz.size() / 2));
    const auto r = run_cli({"prepare", "-i", (dir / "t.gz").string(), "-o", out});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("truncated gzip") || Catch::Contains("corrupt gzip"));
    CHECK(dir.files() == std::vector<std::string>{"t.gz"});
  }
  SECTION("unreadable file: exit 4") {
    const auto r = run_cli({"prepare", "-i", (dir / "missing.json").string(), "-o", out});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("missing.json: cannot open"));
  }
  SECTION("gzip bomb: exit 5") {
    write_file(dir / "bomb.gz", io::gzip_compress(good + std::string(4 << 20, ' '), 9));
    const auto r = run_cli({"prepare", "-i", (dir / "bomb.gz").string(), "-o", out,
                            "--max-decompressed-bytes", "1048576"});
    CHECK(r.exit_code == 5);
    CHECK(dir.files() == std::vector<std::string>{"bomb.gz"});
  }
  SECTION("output is a directory: exit 6") {
    write_file(dir / "p.json", good);
    std::filesystem::create_directory(dir / "outdir");
    const auto r =
        run_cli({"prepare", "-i", (dir / "p.json").string(), "-o", (dir / "outdir").string()});
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Catch::Contains("is a directory"));
  }
  SECTION("a previous output survives a failed run") {
    write_file(out, "previous\n");
    write_file(dir / "bad.json", "{");
    CHECK(run_cli({"prepare", "-i", (dir / "bad.json").string(), "-o", out}).exit_code == 4);
    CHECK(read_file(out) == "previous\n");
  }
}

TEST_CASE("usage errors are exit 3, and --help is exit 0 and documents exit codes") {
  CHECK(run_cli({"prepare"}).exit_code == 3);
  CHECK(run_cli({"prepare", "-i", "x", "--order", "sideways"}).exit_code == 3);
  CHECK(run_cli({"frobnicate"}).exit_code == 3);
  const auto help = run_cli({"--help"});
  CHECK(help.exit_code == 0);
  CHECK_THAT(help.out, Catch::Contains("Exit codes") && Catch::Contains("no KvOnce events"));
}

TEST_CASE("prepare refuses an output that is one of its inputs or its other output") {
  TempDir dir;
  const std::string payload = otlp_doc({kv_span(T0, "success", "k")});
  write_file(dir / "p.json", payload);
  const auto p = (dir / "p.json").string();
  SECTION("-i P -o P: the payload is kept") {
    const auto r = run_cli({"prepare", "-i", p, "-o", p});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("p.json") && Catch::Contains("input"));
    CHECK(read_file(dir / "p.json") == payload);
  }
  SECTION("the same file under another name: a symbolic or a hard link") {
    std::filesystem::create_symlink("p.json", dir / "sym.json");
    std::filesystem::create_hard_link(dir / "p.json", dir / "hard.json");
    CHECK(run_cli({"prepare", "-i", p, "-o", (dir / "sym.json").string()}).exit_code == 3);
    CHECK(run_cli({"prepare", "-i", p, "-o", (dir / "hard.json").string()}).exit_code == 3);
    CHECK(read_file(dir / "p.json") == payload);
  }
  SECTION("--stats X -o X (also when X does not exist yet)") {
    const auto x = (dir / "x.out").string();
    const auto r =
        run_cli({"prepare", "-i", p, "-o", x, "--stats", (dir / "." / "x.out").string()});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("--stats") && Catch::Contains("--output"));
    CHECK_FALSE(std::filesystem::exists(x));
  }
  SECTION("devices are written through and may be named twice") {
    const auto r = run_cli({"prepare", "-i", p, "-o", "/dev/null", "--stats", "/dev/null"});
    CHECK(r.exit_code == 0);
    CHECK(std::filesystem::is_character_file(std::filesystem::symlink_status("/dev/null")));
  }
}

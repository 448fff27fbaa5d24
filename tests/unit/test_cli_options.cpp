// Option checks shared by the subcommands: limits, timeouts and --resolve are refused at parse
// time with a short message (exit 3) instead of being read as something else.
#include <catch2/catch.hpp>
#include <sys/stat.h>

#include "support/test_support.hpp"

using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

// A small valid payload in `dir`.
std::string payload_in(const TempDir& dir) {
  const auto file = dir / "p.json";
  write_file(file, otlp_doc({kv_span(T0, "success", "k", int_attr("kvonce.event.attempts", 1))}));
  return file.string();
}

}  // namespace

TEST_CASE("cli options: a negative or non-numeric limit is a usage error, never no limit") {
  TempDir dir;
  const std::string p = payload_in(dir);
  const std::string out = (dir / "o").string();
  const std::vector<std::vector<std::string>> runs{
      {"fetch", "--file", p, "--target", out, "--max-bytes", "-1"},
      {"fetch", "--file", p, "--target", out, "--max-bytes=-1"},
      {"run", "-i", p, "--trace-dir", out, "--max-bytes", "-5"},
      {"verify", "-i", p, "-d", out, "--max-decompressed-bytes", "-1"},
      {"prepare", "-i", p, "-o", out, "--max-string-bytes", "-1"},
      {"prepare", "-i", p, "-o", out, "--max-string-bytes", "1e9"},
      {"batch", p, "--max-decompressed-bytes", "+3"},
  };
  for (const auto& args : runs) {
    const auto r = run_cli(args);
    INFO(args[0] << " " << args.back() << ": " << r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("expected a byte size"));
  }
  CHECK(run_cli({"prepare", "-i", p, "-o", out, "--max-string-bytes", "1000"}).exit_code == 0);
}

TEST_CASE("cli options: --timeout takes 0 or 0.001 to 86400 seconds, with a short message") {
  TempDir dir;
  const std::string p = payload_in(dir);
  for (const std::string bad : {"nan", "inf", "1e300", "0.0001", "-1", "-0.5", "86401", "10s"}) {
    const auto r =
        run_cli({"fetch", "--file", p, "--target", (dir / "t").string(), "--timeout", bad});
    INFO(bad << ": " << r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("0 (no timeout) or from 0.001 to 86400 seconds"));
    CHECK(r.err.size() < 200);
  }
  for (const std::string good : {"0", "0.001", "30", "86400"}) {
    INFO(good);
    CHECK(run_cli({"fetch", "--file", p, "--target", (dir / "t").string(), "--timeout", good})
              .exit_code == 0);
  }
}

TEST_CASE("cli options: --resolve must be host:port:address") {
  TempDir dir;
  const std::string p = payload_in(dir);
  const auto fetch_with = [&](const std::string& entry) {
    return run_cli({"fetch", "--file", p, "--target", (dir / "t").string(), "--resolve", entry});
  };
  for (const std::string bad :
       {"garbage", "h:443", "h:443:", ":443:127.0.0.1", "h:0:127.0.0.1", "h:x:127.0.0.1",
        "h:70000:127.0.0.1", "h:443:example.com", "h:443:127.0.0.1,", "h:443:::1"}) {
    const auto r = fetch_with(bad);
    INFO(bad << ": " << r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("expected host:port:address"));
  }
  for (const std::string good :
       {"h:443:127.0.0.1", "h.example:8443:[::1]", "h:443:10.0.0.1,[::1]"}) {
    INFO(good);
    CHECK(fetch_with(good).exit_code == 0);
  }
}

TEST_CASE("report --metadata-for reads only a regular file") {
  TempDir dir;
  const auto fifo = dir / "fifo";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  for (const std::string& file :
       {std::string("/dev/zero"), fifo.string(), (dir / "none").string()}) {
    const auto r = run_cli({"report", "--trace-dir", (dir / "t").string(), "--metadata-for", file,
                            "--source-type", "explicit"});
    INFO(file << ": " << r.err);
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Catch::Contains("--metadata-for " + file));
  }
}

TEST_CASE("batch: exit codes of a missing merge file and a --resume directory are as documented") {
  TempDir dir;
  const auto merged = run_cli({"batch", "merge", (dir / "missing.jsonl").string()});
  CHECK(merged.exit_code == 4);
  CHECK_THAT(merged.err, Catch::Contains("missing.jsonl: cannot read the results file"));
  const auto resumed = run_cli({"batch", payload_in(dir), "--resume", dir.path().string()});
  CHECK(resumed.exit_code == 4);
  CHECK_THAT(resumed.err, Catch::Contains("is a directory, not a --resume results file"));
}

// `receive`'s command line: listener addresses, durations, and the usage errors it gives before
// anything listens or runs.
#include <catch2/catch.hpp>

#include "kvonce/util/error.hpp"

#include "cli/receive_options.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using std::chrono::milliseconds;

TEST_CASE("receive options: listener addresses") {
  const auto a = cli::parse_listen("127.0.0.1:4318", "--listen");
  CHECK(a.enabled);
  CHECK(a.host == "127.0.0.1");
  CHECK(a.port == 4318);
  const auto port = cli::parse_listen("9000", "--listen");
  CHECK(port.host == "127.0.0.1");
  CHECK(port.port == 9000);
  CHECK(cli::parse_listen("0", "--listen").port == 0);
  CHECK_FALSE(cli::parse_listen("none", "--grpc-listen").enabled);
  const auto v6 = cli::parse_listen("[::1]:4317", "--grpc-listen");
  CHECK(v6.host == "::1");
  CHECK(v6.port == 4317);
  CHECK(cli::parse_listen("0.0.0.0:0", "--listen").host == "0.0.0.0");
  for (const char* bad :
       {"", "65536", "host", ":4318", "::1:4318", "[::1]", "h:x", "h:-1", "[]:1"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH(cli::parse_listen(bad, "--listen"),
                      Catch::Contains("--listen") && Catch::Contains("HOST:PORT"));
  }
}

TEST_CASE("receive options: durations") {
  CHECK(cli::parse_duration("2s", "--drain") == milliseconds(2000));
  CHECK(cli::parse_duration("500ms", "--drain") == milliseconds(500));
  CHECK(cli::parse_duration("1.5s", "--idle") == milliseconds(1500));
  CHECK(cli::parse_duration("1m", "--idle") == milliseconds(60000));
  CHECK(cli::parse_duration("0", "--drain") == milliseconds(0));
  for (const char* bad : {"", "2", "s", "1h", "-1s", "1.s", "25m0", "2000m", "1e3s"}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH(cli::parse_duration(bad, "--idle"), Catch::Contains("--idle"));
  }
}

TEST_CASE("receive: a command or --output, not both, and options for the mode given") {
  const auto usage = [](std::vector<std::string> args, const char* says) {
    args.insert(args.begin(), "receive");
    const CliResult r = run_cli(args);
    CAPTURE(r.err);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(says));
  };
  usage({}, "needs a command");
  usage({"--output", "x.binpb", "--", "true"}, "--output is for a capture without a command");
  usage({"--idle", "1s", "--", "true"}, "--idle and --max-spans");
  usage({"--max-spans", "3", "--", "true"}, "--idle and --max-spans");
  usage({"--listen", "none", "--grpc-listen", "none", "--", "true"}, "nothing would listen");
  usage({"--listen", "4318x", "--", "true"}, "--listen 4318x");
  usage({"--drain", "soon", "--", "true"}, "--drain soon");
  usage({"--token-env", "KVONCE_NO_SUCH_TOKEN", "--", "true"}, "KVONCE_NO_SUCH_TOKEN");
  usage({"--connection-timeout", "0", "--", "true"}, "--connection-timeout 0");
}

TEST_CASE("receive: the command's status and an empty capture give the exit code") {
  TempDir dir;
  const auto receive = [&](std::vector<std::string> command) {
    std::vector<std::string> args{
        "receive", "--listen", "0", "--grpc-listen", "0", "--trace-dir", (dir / "trace").string(),
        "--drain", "0",        "--"};
    args.insert(args.end(), command.begin(), command.end());
    return run_cli(args);
  };
  const CliResult ok = receive({"true"});
  CHECK(ok.exit_code == 2);  // nothing was sent: no KvOnce event, as run says
  CHECK_THAT(ok.err, Catch::Contains("receive: listening: OTLP/HTTP http://127.0.0.1:"));
  // Senders are told the largest request accepted.
  CHECK_THAT(ok.err, Catch::Contains("(requests up to 64 MiB as sent, 1024 MiB decompressed)"));
  const CliResult failed = receive({"sh", "-c", "exit 3"});
  CHECK(failed.exit_code == 11);
  CHECK_THAT(failed.err, Catch::Contains("the command failed: exit status 3"));
  const CliResult missing = receive({"kvonce-no-such-command"});
  CHECK(missing.exit_code == 127);
  CHECK_THAT(missing.err, Catch::Contains("kvonce-no-such-command: command not found"));
}

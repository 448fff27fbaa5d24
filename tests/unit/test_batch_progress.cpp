// Console progress: log lines for logs, a bar for terminals.
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "kvonce/batch/progress.hpp"

using namespace kvonce::batch;

namespace {

PayloadResult result(const std::string& source, bool valid, const char* error_kind = nullptr) {
  PayloadResult r;
  r.source = source;
  r.events = 1234;
  r.keys = 56;
  r.valid = valid && !error_kind;
  r.seconds = 0.125;
  if (!valid && !error_kind) r.issue_counts = {{"multiple-success", 2}};
  if (error_kind) r.error = PayloadError{error_kind, "p: line 2: bad"};
  return r;
}

}  // namespace

TEST_CASE("describe_result") {
  CHECK(describe_result(result("p", true), false) == "VALID     p (1234 events, 56 keys, 0.12 s)");
  CHECK(describe_result(result("p", false), false) ==
        "INVALID   p (1234 events, 56 keys, 2 issues, 0.12 s)");
  CHECK(describe_result(result("p", false, "input"), false) ==
        "ERROR     p: input: p: line 2: bad");
  CHECK(describe_result(result("p", false, "no_events"), false) == "NO EVENTS p: p: line 2: bad");
  CHECK_THAT(describe_result(result("p", true), true), Catch::StartsWith("RESUMED   p"));
  PayloadResult one = result("p", false);
  one.issue_counts = {{"multiple-success", 1}};
  CHECK(describe_result(one, false) == "INVALID   p (1234 events, 56 keys, 1 issue, 0.12 s)");
}

TEST_CASE("make_log_progress: one counted line per payload") {
  std::ostringstream out;
  auto progress = make_log_progress(out);
  progress->start(12);
  progress->payload_done(result("a", true), false);
  progress->payload_done(result("b", false, "fetch"), false);
  progress->finish();
  CHECK(out.str() ==
        "[ 1/12] VALID     a (1234 events, 56 keys, 0.12 s)\n"
        "[ 2/12] ERROR     b: fetch: p: line 2: bad\n");
}

TEST_CASE("render_bar") {
  BarState s{250, 1000, 500000, 1, 2, 10.0};
  const std::string bar = render_bar(s, 100);
  CHECK(bar.size() <= 100);
  CHECK_THAT(bar, Catch::Contains(" 250/1000 payloads") && Catch::Contains("50000 events/s") &&
                      Catch::Contains("ETA 0m30s") && Catch::Contains("2 invalid") &&
                      Catch::Contains("1 failed"));
  const auto hashes = std::count(bar.begin(), bar.end(), '#');
  const auto dots = std::count(bar.begin(), bar.end(), '.');
  CHECK(hashes * 3 == dots);  // a quarter filled
  BarState done{4, 4, 100, 0, 0, 3725.0};
  CHECK_THAT(render_bar(done, 80), Catch::Contains("done in 1h02m"));
  BarState empty{0, 0, 0, 0, 0, 0};
  CHECK_THAT(render_bar(empty, 80), Catch::Contains("0/0 payloads"));
}

TEST_CASE("make_bar_progress: redrawn in place, problems printed above it") {
  std::ostringstream out;
  {
    auto progress = make_bar_progress(out, 80);
    progress->start(3);
    std::this_thread::sleep_for(kRedrawInterval * 3);  // the redraw thread draws while waiting
    progress->payload_done(result("a", true), false);
    progress->payload_done(result("b", false), false);
    progress->payload_done(result("c", true), false);
    progress->finish();
  }
  const std::string text = out.str();
  CHECK(text.find('\r') != std::string::npos);
  CHECK(std::count(text.begin(), text.end(), '\n') == 2);  // the INVALID line and the final newline
  CHECK_THAT(text, Catch::Contains("INVALID   b") && !Catch::Contains("VALID     a"));
  CHECK_THAT(text, Catch::Contains("3/3 payloads") && Catch::EndsWith("\n"));
}

// Totals, the batch exit code and the Markdown summary.
#include <catch2/catch.hpp>

#include "kvonce/batch/summary.hpp"

using namespace kvonce::batch;

namespace {

PayloadResult valid(const std::string& s, std::uint64_t events = 10) {
  PayloadResult r;
  r.source = s;
  r.sha256 = "aa";
  r.events = events;
  r.keys = 2;
  r.bytes = 1000;
  r.valid = true;
  return r;
}
PayloadResult invalid(const std::string& s) {
  PayloadResult r = valid(s);
  r.valid = false;
  r.issue_counts = {{"multiple-success", 2}};
  return r;
}
PayloadResult failed(const std::string& s, const std::string& message = "corrupt") {
  PayloadResult r;
  r.source = s;
  r.error = PayloadError{"input", message};
  return r;
}
PayloadResult eventless(const std::string& s) {
  PayloadResult r;
  r.source = s;
  r.sha256 = "bb";
  r.error = PayloadError{"no_events", "no KvOnce events"};
  return r;
}

}  // namespace

TEST_CASE("tally") {
  const Totals t = tally({valid("a"), invalid("b"), failed("c"), eventless("d"), invalid("e")});
  CHECK(t.payloads == 5);
  CHECK(t.valid == 1);
  CHECK(t.invalid == 2);
  CHECK(t.failed == 1);
  CHECK(t.no_events == 1);
  CHECK(t.events == 30);
  CHECK(t.keys == 6);
  CHECK(t.bytes == 3000);
  CHECK(t.issue_counts == std::map<std::string, std::uint64_t>{{"multiple-success", 4}});
}

TEST_CASE("batch_exit_code") {
  SECTION("0: all valid") {
    CHECK(batch_exit_code(tally({valid("a"), valid("b")}), 2) == 0);
  }
  SECTION("1: any invalid, failed, or event-less beside payloads with events; duplicates") {
    CHECK(batch_exit_code(tally({valid("a"), invalid("b")}), 2) == 1);
    CHECK(batch_exit_code(tally({valid("a"), failed("b")}), 2) == 1);
    CHECK(batch_exit_code(tally({valid("a"), eventless("b")}), 2) == 1);
    CHECK(batch_exit_code(tally({failed("b")}), 1) == 1);
    CHECK(batch_exit_code(tally({valid("a")}), 1, 1) == 1);
  }
  SECTION("2: no payload had an event, or there was no payload at all") {
    CHECK(batch_exit_code(tally({eventless("a"), eventless("b")}), 2) == 2);
    CHECK(batch_exit_code(tally({}), 0) == 2);
  }
  SECTION("0: a shard that drew nothing from a non-empty listing") {
    CHECK(batch_exit_code(tally({}), 5) == 0);
  }
}

TEST_CASE("summary_markdown") {
  const std::vector<PayloadResult> results{valid("a"), invalid("b|c"), failed("d", "line 3:\nbad")};
  SummaryInput in{"kvonce-trace batch", &results, 1, {"Wall time 1.00 s with 2 jobs."}, {}};
  const std::string md = summary_markdown(in);
  CHECK_THAT(md, Catch::StartsWith("## kvonce-trace batch\n"));
  CHECK_THAT(md, Catch::Contains("| 3 | 1 | 1 | 0 | 1 | 1 | 20 | 4 | 0.0 MB |"));
  CHECK_THAT(md, Catch::Contains("Wall time 1.00 s with 2 jobs."));
  CHECK_THAT(md,
             Catch::Contains("### Issues by type") && Catch::Contains("| multiple-success | 2 |"));
  CHECK_THAT(md, Catch::Contains("### Invalid payloads") &&
                     Catch::Contains("| b\\|c | 10 | 2 | multiple-success 2 |"));
  CHECK_THAT(md, Catch::Contains("### Errors") && Catch::Contains("| d | input | line 3: bad |"));
  CHECK_THAT(md, !Catch::Contains("Duplicates"));

  SECTION("long lists are cut with a count of the rest") {
    std::vector<PayloadResult> many;
    for (int i = 0; i < 60; ++i) many.push_back(failed("f" + std::to_string(i)));
    SummaryInput big{"t", &many, 0, {}, {}};
    const std::string text = summary_markdown(big);
    CHECK_THAT(text, Catch::Contains("… and 10 more errors"));
    CHECK_THAT(text, Catch::Contains("| f49 |") && !Catch::Contains("| f50 |"));
  }
  SECTION("duplicates are listed") {
    SummaryInput dup{"t", &results, 0, {}, {"a in r0.jsonl and r1.jsonl"}};
    CHECK_THAT(summary_markdown(dup), Catch::Contains("### Duplicates across shards") &&
                                          Catch::Contains("- a in r0.jsonl and r1.jsonl"));
  }
}

TEST_CASE("summary_line") {
  CHECK(
      summary_line(tally({valid("a"), invalid("b"), failed("c"), eventless("d")}), 2) ==
      "batch: 1 of 4 payloads valid, 1 invalid, 1 without events, 1 failed (2 resumed); 20 events");
  CHECK(summary_line(tally({valid("a", 1234567)}), 0) ==
        "batch: 1 of 1 payloads valid; 1,234,567 events");
}

// Results lines: the documented fields, a round trip, and malformed lines refused.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/batch/result.hpp"
#include "kvonce/batch/summary.hpp"
#include "kvonce/util/error.hpp"

using namespace kvonce;
using namespace kvonce::batch;
using nlohmann::json;

namespace {

PayloadResult invalid_result() {
  PayloadResult r;
  r.source = "s3://bkt/kvonce-trace/2025/10/09/a.json.gz";
  r.sha256 = std::string(64, 'a');
  r.bytes = 1234;
  r.events = 10;
  r.keys = 4;
  r.valid = false;
  r.issue_counts = {{"multiple-success", 2}, {"retry-bound-exceeded", 1}};
  r.seconds = 0.123456;
  return r;
}

// `line` with some members replaced, as text.
std::string patched(const std::string& line, const json& patch) {
  json doc = json::parse(line);
  doc.merge_patch(patch);
  return doc.dump();
}

}  // namespace

TEST_CASE("to_json_line") {
  SECTION("an invalid payload: every field, in order, on one line") {
    const std::string line = to_json_line(invalid_result());
    CHECK(line.back() == '\n');
    CHECK(line.find('\n') == line.size() - 1);
    CHECK(line.rfind("{\"source\":\"s3://bkt/", 0) == 0);
    const json doc = json::parse(line);
    CHECK(doc["sha256"] == std::string(64, 'a'));
    CHECK(doc["bytes"] == 1234);
    CHECK(doc["events"] == 10);
    CHECK(doc["keys"] == 4);
    CHECK(doc["valid"] == false);
    CHECK(doc["issueCounts"] == json{{"multiple-success", 2}, {"retry-bound-exceeded", 1}});
    CHECK(doc["error"].is_null());
    CHECK(doc["seconds"] == Approx(0.1235));
  }
  SECTION("an unreadable payload: sha256 null, error with kind and message") {
    PayloadResult r;
    r.source = "p/missing.json";
    r.error = PayloadError{kind_name(ErrorKind::input), "p/missing.json: cannot open"};
    const json doc = json::parse(to_json_line(r));
    CHECK(doc["sha256"].is_null());
    CHECK(doc["valid"] == false);
    CHECK(doc["error"] == json{{"kind", "input"}, {"message", "p/missing.json: cannot open"}});
  }
  SECTION("a name that is not UTF-8 is replaced, not refused") {
    PayloadResult r;
    r.source = std::string("bad\xff-name.json");
    r.sha256 = "00";
    const json doc = json::parse(to_json_line(r));
    CHECK(doc["source"] == "bad\xEF\xBF\xBD-name.json");
  }
}

TEST_CASE("parse_result_line") {
  SECTION("round trip") {
    const PayloadResult a = invalid_result();
    const PayloadResult b = parse_result_line(to_json_line(a));
    CHECK(b.source == a.source);
    CHECK(b.sha256 == a.sha256);
    CHECK(b.bytes == a.bytes);
    CHECK(b.events == a.events);
    CHECK(b.keys == a.keys);
    CHECK(b.valid == a.valid);
    CHECK(b.issue_counts == a.issue_counts);
    CHECK_FALSE(b.error);
    CHECK(b.issues() == 3);
    PayloadResult failed;
    failed.source = "x";
    failed.error = PayloadError{"fetch", "HTTP 503"};
    const PayloadResult c = parse_result_line(to_json_line(failed));
    REQUIRE(c.error);
    CHECK(c.error->kind == "fetch");
    CHECK(c.failed());
    CHECK(c.sha256.empty());
  }
  SECTION("malformed lines are input errors") {
    const std::string good = to_json_line(invalid_result());
    for (const std::string& bad :
         {std::string("not json"), std::string("[1,2]"), std::string("{}"),
          std::string("{\"source\":\"\"}"), good.substr(0, good.size() / 2),
          patched(good, {{"events", -1}}), patched(good, {{"valid", "yes"}}),
          patched(good, {{"error", "boom"}}), patched(good, {{"sha256", 5}}),
          patched(good, {{"issueCounts", {{"x", "1"}}}}),
          patched(good, {{"valid", true}, {"error", {{"kind", "x"}, {"message", "y"}}}})}) {
      INFO(bad);
      CHECK_THROWS_AS(parse_result_line(bad), Error);
    }
  }
}

TEST_CASE("results lines: the first issue's trace and span ids round-trip, and are optional") {
  PayloadResult r;
  r.source = "a.json";
  r.issue_counts["multiple-success"] = 1;
  r.first_trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
  r.first_span_id = "00f067aa0ba902b7";
  const std::string line = to_json_line(r);
  CHECK_THAT(
      line,
      Catch::EndsWith(
          R"("firstIssue":{"traceId":"4bf92f3577b34da6a3ce929d0e0e4736","spanId":"00f067aa0ba902b7"}})"
          "\n"));
  const PayloadResult back = parse_result_line(line);
  CHECK(back.first_trace_id == r.first_trace_id);
  CHECK(back.first_span_id == r.first_span_id);
  r.first_trace_id.clear();
  CHECK(to_json_line(r).find("firstIssue") == std::string::npos);
  CHECK(parse_result_line(to_json_line(r)).first_trace_id.empty());
}

TEST_CASE("summary_markdown: with a trace link, invalid payloads link their first issue") {
  std::vector<PayloadResult> results(2);
  results[0].source = "a.json";
  results[0].events = 2;
  results[0].issue_counts["multiple-success"] = 1;
  results[0].first_trace_id = "abc";
  results[0].first_span_id = "def";
  results[1].source = "b.json";
  results[1].events = 2;
  results[1].issue_counts["multiple-success"] = 1;
  SummaryInput in{"kvonce-trace batch", &results, 0, {}, {}};
  CHECK_THAT(summary_markdown(in), Catch::Contains("| Source | Events | Keys | Issues |\n"));
  in.trace_link =
      kvonce::report::TraceLinkTemplate::parse("https://t.example/{traceId}/{spanId}", "x");
  const std::string md = summary_markdown(in);
  CHECK_THAT(md, Catch::Contains("| Source | Events | Keys | Issues | First issue |\n"));
  CHECK_THAT(md,
             Catch::Contains(
                 "| a.json | 2 | 0 | multiple-success 1 | [trace](https://t.example/abc/def) |\n"));
  CHECK_THAT(md, Catch::Contains("| b.json | 2 | 0 | multiple-success 1 | – |\n"));
}

TEST_CASE("results line: a partial trace's warnings round trip, absent when there are none") {
  PayloadResult r = invalid_result();
  CHECK_FALSE(json::parse(to_json_line(r)).contains("partial"));
  r.partial = {"a.json: Tempo v2 response ending at byte 90: status PARTIAL: ..."};
  const std::string line = to_json_line(r);
  CHECK(json::parse(line)["partial"] == json::array({r.partial[0]}));
  CHECK(parse_result_line(line).partial == r.partial);
  CHECK_THROWS_WITH(parse_result_line(patched(line, {{"partial", json::array({1})}})),
                    Catch::Contains("\"partial\" holds something other than text"));
}

TEST_CASE("summary: partial traces are counted on the line and listed in the Markdown") {
  PayloadResult whole = invalid_result();
  PayloadResult cut = invalid_result();
  cut.source = "tempo.json";
  cut.partial = {"tempo.json: status PARTIAL: Tempo returned only part | of the trace"};
  const std::vector<PayloadResult> results{whole, cut};
  const Totals t = tally(results);
  CHECK(t.partial == 1);
  CHECK_THAT(summary_line(t, 0),
             Catch::Contains("; 1 partial trace read with --accept-partial, judged on the part "
                             "returned; "));
  SummaryInput in{"kvonce-trace batch", &results, 0, {}, {}};
  CHECK_THAT(summary_markdown(in),
             Catch::Contains("### Partial traces") &&
                 Catch::Contains("| tempo.json | tempo.json: status PARTIAL: Tempo returned only "
                                 "part \\| of the trace |"));
  const std::vector<PayloadResult> none{whole};
  const SummaryInput plain{"kvonce-trace batch", &none, 0, {}, {}};
  CHECK_THAT(summary_markdown(plain), !Catch::Contains("Partial traces"));
  CHECK_THAT(summary_line(tally(none), 0), !Catch::Contains("partial"));
}

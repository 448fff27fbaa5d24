// Generated concurrent histories: a simulated linearizable store serves racing writers (puts,
// retries, refusals) whose clocks are skewed; some histories are then mutated. The verdict of
// `spec` under real-time judging, read from OTLP and from NDJSON, agrees key by key with the
// brute-force search over every real-time-consistent order, with and without a clock skew.
#include <algorithm>
#include <cstdio>
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "kvonce/rules/realtime_order.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/util/time.hpp"

#include "support/realtime_brute_force.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::rules;

namespace {

constexpr std::uint64_t kBase = 1760000000000000000ULL;  // 2025-10-09
constexpr std::uint64_t kMs = 1000000;

struct GenEvent {
  std::string key, type, reason;  // reason: "" for none
  std::int64_t attempts = RealtimeEvent::kNoAttempts;
  std::uint64_t start = 0, end = 0;
  bool ended = true;
  std::string span_id;
};

// One key's operations served by a linearizable store: each operation takes effect at a point
// of its interval, in the order of those points; the writer's clock then shifts what it records.
void simulate_key(std::mt19937_64& rng, const std::string& key, std::uint64_t max_offset,
                  std::vector<GenEvent>& out) {
  auto pick = [&](std::uint64_t n) { return n == 0 ? 0 : rng() % n; };
  struct Op {
    std::uint64_t start, end, point;
    int intent;  // 0 put, 1 transient error (retry), 2 other failure
    std::int64_t offset;
  };
  std::vector<Op> ops;
  const int n = 1 + static_cast<int>(pick(6));
  for (int i = 0; i < n; ++i) {
    const std::uint64_t start = pick(60) * kMs + pick(kMs);
    const std::uint64_t end = start + pick(25) * kMs + pick(kMs);
    const auto offset =
        static_cast<std::int64_t>(pick(2 * max_offset + 1)) - static_cast<std::int64_t>(max_offset);
    const int intent = pick(10) < 5 ? 0 : pick(4) != 0 ? 1 : 2;
    ops.push_back({start, end, start + pick(end - start + 1), intent, offset});
  }
  std::sort(ops.begin(), ops.end(), [](const Op& a, const Op& b) { return a.point < b.point; });
  bool written = false;
  std::int64_t retries = 0;
  for (const Op& op : ops) {
    GenEvent e;
    e.key = key;
    e.type = "failure";
    e.reason = "\"timeout\"";
    if (op.intent == 1 && retries < 3) {
      e.type = "retry";
      e.reason.clear();
      e.attempts = ++retries;
    } else if (op.intent == 0 && !written) {
      e.type = "success";
      e.reason.clear();
      e.attempts = retries + 1;
      written = true;
    } else if (op.intent == 0) {
      e.reason = "\"duplicate\"";
    }
    e.start = kBase + op.start + static_cast<std::uint64_t>(op.offset);
    e.end = kBase + op.end + static_cast<std::uint64_t>(op.offset);
    out.push_back(e);
  }
}

void mutate(std::mt19937_64& rng, std::vector<GenEvent>& events) {
  if (events.empty()) return;
  GenEvent& e = events[rng() % events.size()];
  switch (rng() % 5) {
    case 0:
      if (e.attempts > 0) e.attempts += rng() % 2 ? 1 : -1;
      break;
    case 1:
      e.type = "failure";
      e.reason = "\"duplicate\"";
      e.attempts = RealtimeEvent::kNoAttempts;
      break;
    case 2: e.ended = false; break;  // a point at its start
    case 3: {
      const std::uint64_t shift = (rng() % 40) * kMs;
      e.start += shift;
      e.end += shift;
      break;
    }
    default:
      if (e.type != "failure") e.attempts = RealtimeEvent::kNoAttempts;
  }
}

std::string context_json(const GenEvent& e) {
  return e.attempts == RealtimeEvent::kNoAttempts
             ? ""
             : "{\"attempts\":" + std::to_string(e.attempts) + "}";
}

std::string otlp_of(const std::vector<GenEvent>& events) {
  std::vector<std::string> spans;
  for (const GenEvent& e : events) {
    std::vector<std::string> attrs{test::str_attr("kvonce.event.type", e.type),
                                   test::str_attr("kvonce.event.key", e.key)};
    if (e.type == "success") attrs.push_back(test::str_attr("kvonce.event.value", "v"));
    if (!e.reason.empty()) {
      attrs.push_back(
          test::str_attr("kvonce.event.reason", e.reason.substr(1, e.reason.size() - 2)));
    }
    if (e.attempts != RealtimeEvent::kNoAttempts) {
      attrs.push_back(
          test::raw_attr("kvonce.event.context",
                         R"({"kvlistValue":{"values":[{"key":"attempts","value":{"intValue":")" +
                             std::to_string(e.attempts) + R"("}}]}})"));
    }
    std::string span = "{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"" +
                       e.span_id + "\",\"startTimeUnixNano\":\"" + std::to_string(e.start) + "\"";
    if (e.ended) span += ",\"endTimeUnixNano\":\"" + std::to_string(e.end) + "\"";
    span += ",\"attributes\":[";
    for (std::size_t i = 0; i < attrs.size(); ++i) span += (i ? "," : "") + attrs[i];
    spans.push_back(span + "]}");
  }
  return test::otlp_doc(spans);
}

std::string ndjson_of(const std::vector<GenEvent>& events) {
  std::string out;
  for (const GenEvent& e : events) {
    out += "{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"" + e.span_id +
           "\",\"timestamp\":\"" + format_iso_millis(e.start) + "\",\"timeUnixNano\":\"" +
           std::to_string(e.start) + "\"";
    if (e.ended) out += ",\"endTimeUnixNano\":\"" + std::to_string(e.end) + "\"";
    out += ",\"type\":\"" + e.type + "\",\"key\":\"" + e.key + "\"";
    if (e.type == "success") out += ",\"value\":\"v\"";
    if (!e.reason.empty()) out += ",\"reason\":" + e.reason;
    if (!context_json(e).empty()) out += ",\"context\":" + context_json(e);
    out += "}\n";
  }
  return out;
}

// The keys that no real-time-consistent order explains, by brute force.
std::set<std::string> brute_force_keys(const std::vector<GenEvent>& events, std::uint64_t skew) {
  std::map<std::string, std::vector<RealtimeEvent>> by_key;
  for (const GenEvent& e : events) {
    RealtimeEvent r;
    r.kind = e.type == "success"           ? RealtimeEvent::Kind::success
             : e.type == "retry"           ? RealtimeEvent::Kind::retry
             : e.reason == "\"duplicate\"" ? RealtimeEvent::Kind::duplicate
                                           : RealtimeEvent::Kind::free;
    r.attempts = e.attempts < 1 && e.attempts != RealtimeEvent::kNoAttempts ? RealtimeEvent::kNever
                                                                            : e.attempts;
    const Interval w = widen(true, e.start, e.ended ? e.end : e.start, skew);
    r.start = w.start;
    r.end = w.end;
    by_key[e.key].push_back(r);
  }
  std::set<std::string> out;
  for (const auto& [key, history] : by_key) {
    if (!test::brute_force_conforms(history)) out.insert(key);
  }
  return out;
}

bool order_dependent(IssueType t) {
  return t == IssueType::duplicate_before_success ||
         t == IssueType::retry_attempt_out_of_sequence || t == IssueType::success_attempt_mismatch;
}

// `ordered`: put in real-time verification order first, as the steps do; else judged in the
// order read (shuffled), which must give the same verdict.
std::set<std::string> judged_keys(EventStore store, std::uint64_t skew, bool ordered = true) {
  if (ordered) order_realtime(store, skew);
  std::set<std::string> out;
  for (const Issue& issue : verify_spec_realtime(store, 3, skew).issues) {
    if (order_dependent(issue.type)) {
      CHECK(out.count(issue.key) == 0);  // one order-dependent issue per key
      CHECK(issue.count == 1);
      out.insert(issue.key);
    }
  }
  return out;
}

std::vector<GenEvent> generate(std::mt19937_64& rng, std::uint64_t max_offset, bool& mutated) {
  std::vector<GenEvent> events;
  const int keys = 1 + static_cast<int>(rng() % 3);
  for (int k = 0; k < keys; ++k) simulate_key(rng, "k" + std::to_string(k), max_offset, events);
  mutated = rng() % 3 == 0;
  if (mutated) mutate(rng, events);
  std::shuffle(events.begin(), events.end(), rng);
  for (std::size_t i = 0; i < events.size(); ++i) {
    char id[17];
    std::snprintf(id, sizeof id, "%016zx", i + 1);
    events[i].span_id = id;
  }
  return events;
}

}  // namespace

TEST_CASE("realtime generated histories agree with brute force in OTLP and NDJSON input") {
  std::mt19937_64 rng(7);
  int invalid_keys = 0;
  for (int round = 0; round < 1000; ++round) {
    const std::uint64_t max_offset = round % 2 ? 2 * kMs : 0;
    bool mutated = false;
    const std::vector<GenEvent> events = generate(rng, max_offset, mutated);
    const std::string otlp = otlp_of(events), ndjson = ndjson_of(events);
    for (const std::uint64_t skew : {std::uint64_t{0}, 2 * kMs}) {
      INFO("round " << round << " skew " << skew << "\n" << ndjson);
      const std::set<std::string> expected = brute_force_keys(events, skew);
      CHECK(judged_keys(test::load_otlp(otlp), skew) == expected);
      CHECK(judged_keys(test::load_ndjson(ndjson), skew) == expected);
      CHECK(judged_keys(test::load_ndjson(ndjson), skew, false) == expected);
      // What the store served, recorded by clocks within the skew, is always explained.
      if (!mutated && skew >= max_offset) CHECK(expected.empty());
      invalid_keys += static_cast<int>(expected.size());
    }
  }
  CHECK(invalid_keys > 100);  // both verdicts occur often
}

TEST_CASE("realtime generated histories: run's OTLP and NDJSON modes agree") {
  std::mt19937_64 rng(11);
  test::TempDir dir;
  for (int round = 0; round < 12; ++round) {
    bool mutated = false;
    const std::vector<GenEvent> events = generate(rng, round % 2 ? 2 * kMs : 0, mutated);
    const auto payload = dir / ("p" + std::to_string(round) + ".json");
    test::write_file(payload, otlp_of(events));
    for (const std::string skew : {"0", "2ms"}) {
      const auto out = dir / ("t" + std::to_string(round) + "-" + skew);
      const test::CliResult r = test::run_cli(
          {"run", "--input", payload.string(), "--trace-dir", out.string(), "--clock-skew", skew});
      INFO(r.out << r.err);
      CHECK((r.exit_code == 0 || r.exit_code == 1));
      CHECK(r.out.find("otlp and ndjson verdicts agree") != std::string::npos);
    }
  }
}

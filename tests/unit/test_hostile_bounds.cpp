// Hostile inputs that cost memory, time or log size out of proportion to their bytes: a resource
// attribute copied into every event, flattened context attributes, keys chosen to share one
// std::hash, a console line repeated with a long text. Each is generated here. Time is judged
// against the same amount of ordinary input measured in the same process, with slack for a busy
// machine: the old quadratic code took seconds, far beyond either bound.
#include <algorithm>
#include <chrono>
#include <sstream>

#include <catch2/catch.hpp>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/util/console_bound.hpp"
#include "kvonce/util/strings.hpp"

#include "support/colliding_keys.hpp"
#include "support/peak_memory.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;
constexpr std::uint64_t MiB = 1 << 20;

using Seconds = std::chrono::duration<double>;

template <typename Work>
double seconds_of(Work&& work) {
  const auto start = std::chrono::steady_clock::now();
  work();
  return Seconds(std::chrono::steady_clock::now() - start).count();
}

// A document of `spans` KvOnce spans (no trace ids: the resource may give one) under one
// resource with these attributes.
std::string resource_document(std::size_t spans, const std::vector<std::string>& resource_attrs) {
  std::vector<std::string> all;
  for (std::size_t i = 0; i < spans; ++i) {
    all.push_back(kv_span(T0 + i, "success", "k" + std::to_string(i),
                          str_attr("kvonce.event.value", "v") + "," +
                              raw_attr("kvonce.event.context", R"({"intValue":"1"})")));
  }
  return otlp_doc(all, resource_attrs);
}

// One span with `count` attributes named `prefix` + n.
std::string span_with_attributes(const std::string& prefix, std::size_t count) {
  std::string attrs;
  attrs.reserve(count * 64);
  for (std::size_t i = 0; i < count; ++i) {
    attrs += ',';
    attrs += str_attr(prefix + std::to_string(i), "v");
  }
  return otlp_doc({kv_span(T0, "success", "k", str_attr("kvonce.event.value", "v") + attrs)});
}

std::string nd_events(const std::vector<std::string>& key_json) {
  std::string out;
  out.reserve(key_json.size() * (key_json.empty() ? 0 : key_json[0].size() + 80));
  for (const std::string& key : key_json) {
    out += R"({"timestamp":"2025-01-01T00:00:00Z","type":"success","key":)";
    out += key;
    out += R"(,"value":1,"context":{"attempts":1}})";
    out += '\n';
  }
  return out;
}

std::size_t longest_line(const std::string& text) {
  std::size_t longest = 0, start = 0;
  for (std::size_t at = 0; at <= text.size(); ++at) {
    if (at == text.size() || text[at] == '\n') {
      longest = std::max(longest, at - start);
      start = at + 1;
    }
  }
  return longest;
}

}  // namespace

TEST_CASE("hostile input: a 16 MiB resource service.name over 100 spans costs it once") {
  // 17 KB of gzip; each event kept its own copy of the actor: 1.7 GB at its peak.
  const std::string payload = io::gzip_compress(
      resource_document(100, {str_attr("service.name", std::string(16 * MiB, 's'))}), 9);
  CHECK(payload.size() < 64 * 1024);
  TempDir dir;
  write_file(dir / "p.json.gz", payload);
  const PeakMemory peak = peak_memory_of([&] {
    const CliResult r =
        run_cli({"verify", (dir / "p.json.gz").string(), "-d", (dir / "out").string()});
    return "exit " + std::to_string(r.exit_code) + "\n" + r.err;
  });
  CHECK_THAT(peak.outcome, Catch::StartsWith("exit 0"));
  CHECK(peak.growth_bytes < 320 * MiB);

  // Each event keeps the actor's first 256 bytes and how much was cut.
  const EventStore store = load_otlp(
      resource_document(2, {str_attr("service.name", std::string(4096, 's') + "\xc3\xa9")}));
  REQUIRE(store.size() == 2);
  CHECK(store[0].actor == std::string(256, 's') + "\u2026 (3842 bytes cut)");
  CHECK(store[1].actor == store[0].actor);
  // A short one, and one a span gives itself, are kept whole.
  const std::string own = std::string(4096, 'o');
  const EventStore mixed = load_otlp(otlp_doc(
      {kv_span(T0, "success", "k", str_attr("kvonce.event.actor", own)), kv_span(T0, "retry", "j")},
      {str_attr("service.name", "svc")}));
  CHECK(mixed[0].actor == own);
  CHECK(mixed[1].actor == "svc");
}

TEST_CASE("hostile input: a 2 MiB resource traceId does not fill stdout") {
  // A 2.8 KB payload printed 230 MB: the trace id, copied into every event, in every issue line.
  std::vector<std::string> spans;
  for (int i = 0; i < 100; ++i) spans.push_back(kv_span(T0 + i, "success", "dup"));
  const std::string payload =
      io::gzip_compress(otlp_doc(spans, {str_attr("traceId", std::string(2 * MiB, 'f'))}), 9);
  TempDir dir;
  write_file(dir / "p.json.gz", payload);
  const CliResult r = run_cli({"verify", (dir / "p.json.gz").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.out.size() + r.err.size() < 1 * MiB);
}

TEST_CASE("hostile input: console lines and streams are bounded, and say what they cut") {
  // 40 keys of 1 MiB, each in the issue lines: tens of MiB of stdout before, now each line is
  // cut at 64 KiB and says how much it lost.
  std::string events;
  for (int i = 0; i < 40; ++i) {
    const std::string key = std::to_string(i) + std::string(MiB, 'k');
    events += R"({"timestamp":"2025-01-01T00:00:00Z","type":"success","key":")" + key + "\"}\n";
  }
  TempDir dir;
  write_file(dir / "keys.ndjson.gz", io::gzip_compress(events, 9));
  const CliResult r = run_cli({"verify", (dir / "keys.ndjson.gz").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.out.size() < kMaxConsoleBytes + 4096);
  CHECK(longest_line(r.out) <= kMaxConsoleLineBytes + 64);
  CHECK_THAT(r.out, Catch::Contains(" bytes cut)"));
  CHECK_THAT(r.out, Catch::Contains("success-without-value"));
}

TEST_CASE("hostile input: 120,000 flattened context attributes are merged in linear time") {
  // A scan of the names already taken per attribute: 8-15 s against 0.05 s for as many
  // attributes the mapping ignores.
  constexpr std::size_t kCount = 120000;
  const std::string flat = span_with_attributes("kvonce.event.context.n", kCount);
  const std::string ignored = span_with_attributes("ignored.n", kCount);
  EventStore flat_store, ignored_store;
  const double ignored_time = seconds_of([&] { ignored_store = load_otlp(ignored); });
  const double flat_time = seconds_of([&] { flat_store = load_otlp(flat); });
  REQUIRE(flat_store.size() == 1);
  const std::string context(flat_store[0].context.value_or(""));
  CHECK(context.size() > kCount * 8);
  CHECK_THAT(context,
             Catch::StartsWith(R"({"n0":"v","n1":"v",)") && Catch::EndsWith(R"("n119999":"v"})"));
  CHECK(flat_time < 10 * ignored_time + 1.5);

  // The context's own members win over flattened ones, and the first of a name repeated wins.
  const EventStore merged = load_otlp(otlp_doc(
      {kv_span(T0, "retry", "k",
               raw_attr("kvonce.event.context", R"({"stringValue":"{\"attempts\":1,\"a\":2}"})") +
                   "," + str_attr("kvonce.event.context.a", "flat") + "," +
                   str_attr("kvonce.event.context.b", "first") + "," +
                   str_attr("kvonce.event.context.b", "second"))}));
  REQUIRE(merged.size() == 1);
  CHECK(merged[0].context ==
        std::optional<std::string_view>(R"({"attempts":1,"a":2,"b":"first"})"));
}

TEST_CASE("hostile input: 32,768 keys that are JSON arrays sharing one std::hash judge linearly") {
  // Keys that are not strings were tabled by their JSON text (spec) and by their name String(key)
  // (compat) with std::hash: these keys share one hash value, so every lookup scanned all of
  // them (2.5-10 s against 0.2 s). Baselines: as many keys of the same length that do not.
  constexpr int kChunks = 15;  // 2^15 keys
  const std::vector<std::string> spec_keys = texts_sharing_std_hash(kChunks, "[\"kvonce", "\"]");
  std::vector<std::string> compat_keys;
  for (const std::string& name : texts_sharing_std_hash(kChunks, "kvonce-c", "")) {
    compat_keys.push_back("[\"" + name + "\"]");
  }
  const std::size_t hash = std::hash<std::string_view>{}(spec_keys.front());
  for (const std::string& k : spec_keys) REQUIRE(std::hash<std::string_view>{}(k) == hash);
  std::vector<std::string> plain_keys;
  for (std::size_t i = 0; i < spec_keys.size(); ++i) {
    std::string k = std::to_string(i);
    plain_keys.push_back("[\"" + std::string(spec_keys[0].size() - 4 - k.size(), 'p') + k + "\"]");
  }

  const EventStore spec_store = load_ndjson(nd_events(spec_keys));
  const EventStore compat_store = load_ndjson(nd_events(compat_keys));
  const EventStore plain_store = load_ndjson(nd_events(plain_keys));
  REQUIRE(spec_store.size() == spec_keys.size());
  CHECK(spec_store[7].key == spec_keys[7]);  // the JSON text hashed is the one sent

  rules::VerifyResult spec, compat, plain_spec, plain_compat;
  const double plain_spec_time =
      seconds_of([&] { plain_spec = rules::verify_spec(plain_store, 3); });
  const double spec_time = seconds_of([&] { spec = rules::verify_spec(spec_store, 3); });
  const double plain_compat_time =
      seconds_of([&] { plain_compat = rules::verify_compat(plain_store, 3); });
  const double compat_time = seconds_of([&] { compat = rules::verify_compat(compat_store, 3); });

  CHECK(spec.keys == spec_keys.size());
  CHECK(spec.issues.size() == spec_keys.size());  // key-not-string, once per key
  CHECK(compat.keys == compat_keys.size());
  CHECK(plain_spec.keys == plain_keys.size());
  CHECK(spec_time < 4 * plain_spec_time + 1.0);
  CHECK(compat_time < 4 * plain_compat_time + 1.0);
}

TEST_CASE("ConsoleBound cuts long lines, then the stream, and says how much") {
  std::ostringstream target;
  ConsoleBound bound(target.rdbuf(), 10, 80);
  std::ostream out(&bound);
  // A line is cut at its bound, a UTF-8 character kept whole or not at all; '\r' ends a line too.
  out << "short\n"
      << std::string(25, 'x') << "\r"
      << "caf\xc3\xa9-caf\xc3\xa9\n";
  CHECK(target.str() ==
        "short\nxxxxxxxxxx\u2026 (15 bytes cut)\rcaf\xc3\xa9-caf\u2026 (2 bytes cut)\n");
  // Past the stream's bound nothing more, until finish() says how much was left out; the last
  // words after it are bounded per line only.
  out << "more than the stream's bound\n"
      << "and more\n";
  bound.finish();
  out << "kvonce-trace: the error, always\n";
  out.flush();
  CHECK(target.str() ==
        "short\nxxxxxxxxxx\u2026 (15 bytes cut)\rcaf\xc3\xa9-caf\u2026 (2 bytes cut)\n"
        "more than \n\u2026 (28 more bytes not shown: a console stream stops at 80 bytes)\n"
        "kvonce-tra\u2026 (21 bytes cut)\n");
  CHECK(bound.left_out() == 28);
}

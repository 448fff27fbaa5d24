// kvonce-micro: Google Benchmark micro-benchmarks of the hot paths under `verify`.
//
// Inputs come from the payload generator (the same spans run.sh times end to end), built once
// per process. Each benchmark reports throughput: bytes/s for scanning and writing, items/s for
// per-attribute, per-event and per-span work.
//   kvonce-micro --benchmark_filter=Attributes --benchmark_min_time=0.5
#include <map>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "kvonce/event/event_store.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/json/reader.hpp"
#include "kvonce/ndjson/reader.hpp"
#include "kvonce/otlp/any_value.hpp"
#include "kvonce/otlp/reader.hpp"
#include "kvonce/otlp/span_fields.hpp"
#include "kvonce/rules/verify.hpp"

#include "payload_generator.hpp"

namespace {

using namespace kvonce;

class StringSink final : public bench::ByteSink {
 public:
  void write(std::string_view bytes) override { text.append(bytes); }
  void finish() override {}
  std::string text;
};

using Shape = std::pair<std::uint64_t, std::uint64_t>;  // spans, keys

// A JSON Lines payload of `spans` spans over `keys` keys (cached per shape; map nodes are stable).
const std::string& payload(std::uint64_t spans, std::uint64_t keys) {
  static std::map<Shape, std::string> cache;
  std::string& text = cache[Shape{spans, keys}];
  if (text.empty()) {
    StringSink sink;
    bench::GenOptions o;
    o.spans = spans;
    o.keys = keys;
    o.jsonl = true;
    bench::generate(o, sink);
    text = std::move(sink.text);
  }
  return text;
}

class NullSink final : public EventSink {
 public:
  void on_event(const EventView& e) override { benchmark::DoNotOptimize(e.key.data()); }
};

// The events of a generated payload, read once.
const EventStore& events(std::uint64_t spans, std::uint64_t keys) {
  static std::map<Shape, EventStore> cache;
  EventStore& store = cache[Shape{spans, keys}];
  if (!store.empty()) return store;
  ReadStats stats;
  otlp::Converter converter(store, stats);
  auto source = io::from_memory(payload(spans, keys), "micro");
  converter.read(*source, {});
  return store;
}

// Every value of one member name in the payload's text, as a JSON array of those values.
std::string collect(std::string_view text, std::string_view member, std::size_t limit) {
  std::string out = "[";
  const std::string needle = "\"" + std::string(member) + "\":";
  for (std::size_t at = text.find(needle), n = 0; at != std::string_view::npos && n < limit;
       at = text.find(needle, at + 1), ++n) {
    json::Reader r(text.substr(at + needle.size()), {});
    if (n) out += ',';
    r.copy_value(out);
  }
  return out + "]";
}

const std::string& attribute_arrays() {
  static const std::string s = collect(payload(2000, 200), "attributes", 2000);
  return s;
}

const std::string& any_values() {
  static const std::string s = collect(payload(2000, 200), "value", 20000);
  return s;
}

void BM_JsonScanStrings(benchmark::State& state) {
  const std::string text = collect(payload(2000, 200), "key", 100000);
  std::size_t strings = 0;
  for (auto _ : state) {
    json::Reader r(text, {});
    r.begin_array();
    while (r.next_element()) {
      benchmark::DoNotOptimize(r.string().size());
      ++strings;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(strings));
}
BENCHMARK(BM_JsonScanStrings);

void BM_JsonScanNumbers(benchmark::State& state) {
  std::string text = "[";
  for (int i = 0; i < 20000; ++i) {
    text += std::to_string(1760000000000000000ULL + 7919ULL * static_cast<unsigned>(i));
    text += i % 3 ? "," : ",-12.5e3,";
  }
  text += "0]";
  std::size_t numbers = 0;
  for (auto _ : state) {
    json::Reader r(text, {});
    r.begin_array();
    while (r.next_element()) {
      benchmark::DoNotOptimize(r.number().size());
      ++numbers;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(numbers));
}
BENCHMARK(BM_JsonScanNumbers);

// skip() is what every member the OTLP reader does not want costs.
void BM_JsonSkipPayload(benchmark::State& state) {
  const std::string& text = payload(2000, 200);
  for (auto _ : state) {
    json::Reader r(text, {});
    while (r.next_document()) r.skip();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
}
BENCHMARK(BM_JsonSkipPayload);

void BM_OtlpReadAttributes(benchmark::State& state) {
  const std::string& text = attribute_arrays();
  otlp::AttributeSet set;
  std::vector<std::string> problems;
  std::size_t spans = 0;
  for (auto _ : state) {
    json::Reader r(text, {});
    r.begin_array();
    while (r.next_element()) {
      set.clear();
      otlp::read_attributes(r, set, problems);
      ++spans;
    }
    problems.clear();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(spans));  // one span's attributes each
}
BENCHMARK(BM_OtlpReadAttributes);

void BM_OtlpReadAnyValue(benchmark::State& state) {
  const std::string& text = any_values();
  otlp::AnyValue value;
  std::size_t values = 0;
  for (auto _ : state) {
    json::Reader r(text, {});
    r.begin_array();
    while (r.next_element()) {
      otlp::read_any_value(r, value);
      benchmark::DoNotOptimize(value.json.data());
      ++values;
    }
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(values));
}
BENCHMARK(BM_OtlpReadAnyValue);

// The whole OTLP reader: JSON Lines text -> events (spans/s and bytes/s).
void BM_OtlpConvert(benchmark::State& state) {
  const std::string& text = payload(4000, 400);
  NullSink sink;
  for (auto _ : state) {
    ReadStats stats;
    otlp::Converter converter(sink, stats);
    auto source = io::from_memory(text, "micro");
    converter.read(*source, {});
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(4000 * state.iterations()));
}
BENCHMARK(BM_OtlpConvert)->Unit(benchmark::kMillisecond);

void BM_EventStoreAdd(benchmark::State& state) {
  const EventStore& source = events(20000, 2000);
  std::vector<EventView> views;
  for (std::size_t i = 0; i < source.size(); ++i) views.push_back(source[i]);
  for (auto _ : state) {
    EventStore store;
    for (const EventView& v : views) store.add(v);
    benchmark::DoNotOptimize(store.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(views.size() * state.iterations()));
}
BENCHMARK(BM_EventStoreAdd)->Unit(benchmark::kMillisecond);

void BM_AppendEventLine(benchmark::State& state) {
  const EventStore& store = events(20000, 2000);
  std::string out;
  std::size_t bytes = 0;
  for (auto _ : state) {
    out.clear();
    for (std::size_t i = 0; i < store.size(); ++i) append_event_line(out, store[i]);
    bytes += out.size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(store.size() * state.iterations()));
}
BENCHMARK(BM_AppendEventLine)->Unit(benchmark::kMillisecond);

// The prepared NDJSON read back (the second half of `run`).
void BM_NdjsonRead(benchmark::State& state) {
  const EventStore& store = events(20000, 2000);
  std::string text;
  for (std::size_t i = 0; i < store.size(); ++i) append_event_line(text, store[i]);
  NullSink sink;
  for (auto _ : state) {
    ReadStats stats;
    auto source = io::from_memory(text, "micro.ndjson");
    ndjson::read_events(*source, {}, sink, stats);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(text.size() * state.iterations()));
  state.SetItemsProcessed(static_cast<std::int64_t>(store.size() * state.iterations()));
}
BENCHMARK(BM_NdjsonRead)->Unit(benchmark::kMillisecond);

// The rules step over 20,000 events with few or many distinct keys.
void BM_VerifySpec(benchmark::State& state) {
  const EventStore& store = events(20000, static_cast<std::uint64_t>(state.range(0)));
  for (auto _ : state) {
    const rules::VerifyResult result = rules::verify_spec(store, 3);
    benchmark::DoNotOptimize(result.issues.size());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(store.size() * state.iterations()));
}
BENCHMARK(BM_VerifySpec)->Arg(100)->Arg(2000)->Arg(20000)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();

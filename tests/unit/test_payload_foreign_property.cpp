// Property test over random OTLP logs, metrics and trace messages in protobuf: the three share
// their layout down to the records, so a message is told by its records' fields. Every message
// with a field whose wire type a Span's field of that number cannot have is refused by name; no
// logs or metrics message ever yields an event; a trace message is read as before.
#include <algorithm>
#include <map>
#include <optional>
#include <random>

#include <catch2/catch.hpp>

#include "kvonce/payload/load.hpp"
#include "kvonce/util/error.hpp"

#include "support/proto_writer.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr std::uint64_t T0 = 1760000000000000000ULL;
enum Wire { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

// Span's fields and wire types, from opentelemetry-proto's trace.proto (written out here, apart
// from the reader's table, so the test does not check the reader against itself).
const std::map<int, int> kSpanFields = {{1, kLen},  {2, kLen},     {3, kLen},     {4, kLen},
                                        {5, kLen},  {6, kVarint},  {7, kFixed64}, {8, kFixed64},
                                        {9, kLen},  {10, kVarint}, {11, kLen},    {12, kVarint},
                                        {13, kLen}, {14, kVarint}, {15, kLen},    {16, kFixed32}};

struct Field {
  int number;
  int wire;
  std::string bytes;  // the whole field, tag included
};

using Rng = std::mt19937_64;

std::uint64_t pick(Rng& rng, std::uint64_t n) {
  return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng);
}

std::string random_bytes(Rng& rng, std::size_t n) {
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(pick(rng, 256));
  return out;
}

Field len_field(int n, const std::string& payload) {
  return {n, kLen, pb::len(n, payload)};
}

std::string key_value(Rng& rng) {
  static const char* const kKeys[] = {"kvonce.event.type", "kvonce.event.key", "http.method",
                                      "service.name"};
  return pb::str_attr(kKeys[pick(rng, 4)], "v" + std::to_string(pick(rng, 9)));
}

// A LogRecord (logs.proto): each field present or left out, as proto3 leaves defaults out.
std::vector<Field> random_log_record(Rng& rng) {
  std::vector<Field> all = {
      {1, kFixed64, pb::fixed64(1, T0 + pick(rng, 1000))},
      {2, kVarint, pb::uint(2, 1 + pick(rng, 24))},
      len_field(3, "INFO"),
      len_field(5, pb::string_value("a log line")),
      len_field(6, key_value(rng)),
      {7, kVarint, pb::uint(7, 1 + pick(rng, 5))},
      {8, kFixed32, pb::fixed32(8, 1)},
      len_field(9, random_bytes(rng, 16)),
      len_field(10, random_bytes(rng, 8)),
      {11, kFixed64, pb::fixed64(11, T0 + pick(rng, 1000))},
      len_field(12, "event.name"),
  };
  std::vector<Field> out;
  for (Field& f : all) {
    if (pick(rng, 2) == 0) out.push_back(std::move(f));
  }
  return out;
}

// A Metric (metrics.proto): name, description, unit, one kind of data, metadata.
std::vector<Field> random_metric(Rng& rng) {
  const std::string point =
      pb::fixed64(2, T0) + pb::fixed64(3, T0 + 1) + pb::dbl(4, 1.5) + pb::len(7, key_value(rng));
  static const int kData[] = {5, 7, 9, 10, 11};
  std::vector<Field> out;
  if (pick(rng, 2) == 0) out.push_back(len_field(1, "kvonce.requests"));
  if (pick(rng, 2) == 0) out.push_back(len_field(2, "requests"));
  if (pick(rng, 2) == 0) out.push_back(len_field(3, "1"));
  if (pick(rng, 4) != 0) out.push_back(len_field(kData[pick(rng, 5)], pb::len(1, point)));
  if (pick(rng, 3) == 0) out.push_back(len_field(12, key_value(rng)));
  return out;
}

// A Span with its own wire types: a KvOnce event when it has a start time, a type and a key.
std::vector<Field> random_span(Rng& rng, int& events, unsigned n) {
  std::vector<Field> out;
  out.push_back(len_field(1, std::string(15, '\0') + static_cast<char>(n)));
  out.push_back(len_field(2, std::string(7, '\1') + static_cast<char>(n)));
  if (pick(rng, 2) == 0) out.push_back(len_field(5, "kvonce.put"));
  if (pick(rng, 2) == 0) out.push_back({6, kVarint, pb::uint(6, 2)});
  const bool start = pick(rng, 4) != 0;
  if (start) out.push_back({7, kFixed64, pb::fixed64(7, T0 + n)});
  if (pick(rng, 2) == 0) out.push_back({8, kFixed64, pb::fixed64(8, T0 + n + 9)});
  const bool typed = pick(rng, 4) != 0;
  if (typed) out.push_back(len_field(9, pb::str_attr("kvonce.event.type", "success")));
  out.push_back(len_field(9, pb::str_attr("kvonce.event.key", "k" + std::to_string(n))));
  if (pick(rng, 2) == 0) out.push_back({10, kVarint, pb::uint(10, 1)});
  if (pick(rng, 2) == 0) out.push_back(len_field(15, pb::uint(3, 1)));
  if (pick(rng, 2) == 0) out.push_back({16, kFixed32, pb::fixed32(16, 0x100)});
  if (start && typed) ++events;
  return out;
}

bool contradicts_span(const std::vector<Field>& record) {
  return std::any_of(record.begin(), record.end(), [](const Field& f) {
    const auto it = kSpanFields.find(f.number);
    return it != kSpanFields.end() && it->second != f.wire;
  });
}

// Fields in number order, as protobuf serializers write them, or shuffled.
std::string encode(std::vector<Field> record, Rng& rng) {
  if (pick(rng, 3) == 0) std::shuffle(record.begin(), record.end(), rng);
  std::string out;
  for (const Field& f : record) out += f.bytes;
  return out;
}

struct Message {
  std::string bytes;
  bool contradicting = false;
  int events = 0;
};

// An Export{Logs,Metrics,Trace}ServiceRequest: resources of scopes of records, all with the
// same layout (field 1 of the request, field 2 of the resource, field 2 of the scope).
template <class MakeRecord>
Message random_message(Rng& rng, MakeRecord make_record) {
  Message m;
  std::string request;
  const std::uint64_t resources = 1 + pick(rng, 2);
  for (std::uint64_t r = 0; r < resources; ++r) {
    std::string resource = pb::len(1, pb::len(1, pb::str_attr("service.name", "svc")));
    const std::uint64_t scopes = 1 + pick(rng, 2);
    for (std::uint64_t s = 0; s < scopes; ++s) {
      std::string scope = pb::len(1, pb::len(1, "scope"));
      const std::uint64_t records = 1 + pick(rng, 4);
      for (std::uint64_t k = 0; k < records; ++k) {
        const std::vector<Field> record = make_record(m);
        m.contradicting = m.contradicting || contradicts_span(record);
        scope += pb::len(2, encode(record, rng));
      }
      resource += pb::len(2, scope);
    }
    request += pb::len(1, resource);
  }
  m.bytes = std::move(request);
  return m;
}

struct Outcome {
  std::size_t events = 0;
  std::optional<Error> error;
};

Outcome load(const std::string& bytes) {
  Outcome out;
  EventStore store;
  std::vector<std::unique_ptr<io::ByteSource>> in;
  in.push_back(io::from_memory(bytes, "m.pb"));
  try {
    payload::load_events(std::move(in), payload::Format::otlp, {}, store);
  } catch (const Error& e) {
    out.error = e;
  }
  out.events = store.size();
  return out;
}

}  // namespace

TEST_CASE(
    "property: a logs or metrics message is refused by name when any field contradicts a Span") {
  std::uint64_t refused = 0, read = 0;
  for (std::uint64_t seed = 1; seed <= 400; ++seed) {
    Rng rng(seed);
    const bool logs = seed % 2 == 0;
    const Message m = logs ? random_message(rng, [&](Message&) { return random_log_record(rng); })
                           : random_message(rng, [&](Message&) { return random_metric(rng); });
    INFO("seed " << seed << (logs ? " logs" : " metrics"));
    const Outcome o = load(m.bytes);
    CHECK(o.events == 0);  // no logs or metrics message ever yields an event
    if (m.contradicting) {
      REQUIRE(o.error);
      CHECK(o.error->kind() == ErrorKind::input);
      CHECK_THAT(o.error->what(), Catch::StartsWith("m.pb: OTLP ") &&
                                      Catch::Contains(logs ? "logs" : "metrics") &&
                                      Catch::Contains(", not traces: field "));
      ++refused;
    } else {
      ++read;  // read as traces (or refused as malformed protobuf): never an event
    }
  }
  CHECK(refused > 250);  // the generator makes mostly contradicting messages, but not only
  CHECK(read > 0);
}

TEST_CASE("property: a random trace message is never refused as logs or metrics") {
  for (std::uint64_t seed = 1; seed <= 200; ++seed) {
    Rng rng(seed);
    unsigned n = 0;
    const Message m =
        random_message(rng, [&](Message& msg) { return random_span(rng, msg.events, ++n); });
    INFO("seed " << seed);
    REQUIRE_FALSE(m.contradicting);
    const Outcome o = load(m.bytes);
    REQUIRE_FALSE(o.error);
    CHECK(o.events == static_cast<std::size_t>(m.events));
  }
}

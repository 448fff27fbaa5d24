// Property tests over random traces: every form a payload can take (protobuf, compressed, framed,
// bare ResourceSpans) gives the same events and verdict as its OTLP/JSON form; and, under
// --order time, any split of a payload into prepared NDJSON files gives the OTLP verdict.
#include <random>
#include <set>

#include <catch2/catch.hpp>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/io/zstd_source.hpp"
#include "kvonce/payload/framing.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/rules/verify.hpp"

#include "support/proto_writer.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr std::uint64_t T0 = 1760000000000000000ULL;

struct Span {
  std::string trace_id, span_id;  // raw bytes
  std::uint64_t start = 0;
  std::vector<std::pair<std::string, std::string>> attrs;  // key, string value
  int attempts = -1;                                       // kvlist context when >= 0
};
struct Resource {
  std::string service;
  std::vector<std::vector<Span>> scopes;
};
using Trace = std::vector<Resource>;

std::string hex(const std::string& raw) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (const char c : raw) {
    out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
    out.push_back(kHex[static_cast<unsigned char>(c) & 15]);
  }
  return out;
}

Trace random_trace(std::mt19937_64& rng) {
  auto pick = [&](std::uint64_t n) {
    return std::uniform_int_distribution<std::uint64_t>(0, n - 1)(rng);
  };
  Trace t;
  std::set<std::uint64_t> used;
  const std::uint64_t resources = 1 + pick(3);
  for (std::uint64_t r = 0; r < resources; ++r) {
    Resource res;
    res.service = "svc-" + std::to_string(pick(3));
    const std::uint64_t scopes = 1 + pick(2);
    for (std::uint64_t s = 0; s < scopes; ++s) {
      std::vector<Span> spans(pick(7));
      for (Span& span : spans) {
        span.trace_id.resize(16);
        span.span_id.resize(8);
        for (char& c : span.trace_id) c = static_cast<char>(pick(256));
        for (char& c : span.span_id) c = static_cast<char>(1 + pick(255));
        // Distinct times out of order, often several in one millisecond (as real SDK spans are).
        do {
          span.start = T0 + pick(pick(2) ? 3000000 : 20000000);
        } while (!used.insert(span.start).second);
        if (pick(8) == 0) {
          span.attrs.push_back({"http.method", "GET"});
          continue;
        }
        static const char* kTypes[] = {"success", "retry", "failure"};
        const std::string type = kTypes[pick(3)];
        span.attrs.push_back({"kvonce.event.type", type});
        span.attrs.push_back({"kvonce.event.key", "k" + std::to_string(pick(4))});
        if (type == "success")
          span.attrs.push_back({"kvonce.event.value", "v" + std::to_string(pick(9))});
        if (type == "failure" && pick(2))
          span.attrs.push_back({"kvonce.event.reason", "duplicate"});
        if (pick(3)) span.attempts = static_cast<int>(pick(5));
      }
      res.scopes.push_back(std::move(spans));
    }
    t.push_back(std::move(res));
  }
  return t;
}

std::string json_resource(const Resource& r) {
  std::string out = R"({"resource":{"attributes":[)" + str_attr("service.name", r.service) +
                    R"(]},"scopeSpans":[)";
  for (std::size_t s = 0; s < r.scopes.size(); ++s) {
    out += s ? "," : "";
    out += R"({"scope":{"name":"kv"},"spans":[)";
    for (std::size_t i = 0; i < r.scopes[s].size(); ++i) {
      const Span& span = r.scopes[s][i];
      std::vector<std::string> attrs;
      for (const auto& [k, v] : span.attrs) attrs.push_back(str_attr(k, v));
      if (span.attempts >= 0) {
        attrs.push_back(
            raw_attr("kvonce.event.context",
                     R"({"kvlistValue":{"values":[{"key":"attempts","value":{"intValue":")" +
                         std::to_string(span.attempts) + R"("}}]}})"));
      }
      out += (i ? "," : "") + span_json(span.start, attrs, hex(span.trace_id), hex(span.span_id));
    }
    out += "]}";
  }
  return out + "]}";
}

std::string json_doc(const Trace& t) {
  std::string out = R"({"resourceSpans":[)";
  for (std::size_t i = 0; i < t.size(); ++i) out += (i ? "," : "") + json_resource(t[i]);
  return out + "]}\n";
}

// One ResourceSpans as a TracesData message.
std::string pb_resource(const Resource& r) {
  std::string scopes;
  for (const auto& spans : r.scopes) {
    std::string body = pb::len(1, pb::len(1, "kv"));
    for (const Span& span : spans) {
      std::string s = pb::len(1, span.trace_id) + pb::len(2, span.span_id) + pb::len(5, "op") +
                      pb::fixed64(7, span.start);
      for (const auto& [k, v] : span.attrs) s += pb::span_attr(pb::str_attr(k, v));
      if (span.attempts >= 0) {
        const std::string attempts =
            pb::attr("attempts", pb::uint(3, static_cast<std::uint64_t>(span.attempts)));
        s += pb::span_attr(pb::attr("kvonce.event.context", pb::len(6, pb::len(1, attempts))));
      }
      body += pb::len(2, s);
    }
    scopes += pb::len(2, body);
  }
  const std::string resource = pb::len(1, pb::str_attr("service.name", r.service));
  return pb::len(1, pb::len(1, resource) + scopes);
}

struct Verdict {
  std::vector<std::string> events;
  std::vector<std::string> issues;
};

Verdict verdict_of(std::vector<std::unique_ptr<io::ByteSource>> inputs, payload::Format format) {
  EventStore store;
  payload::load_events(std::move(inputs), format, {}, store);
  store.sort_by_time();
  Verdict v;
  for (std::size_t i = 0; i < store.size(); ++i) {
    std::string line;
    append_event_line(line, store[i]);
    v.events.push_back(line);
  }
  for (const rules::Issue& issue : rules::verify(store, {}).issues) {
    v.issues.push_back(std::string(rules::to_string(issue.type)) + " " + issue.key + " #" +
                       std::to_string(issue.event_index) + " " + issue.trace_id + " " +
                       issue.message);
  }
  return v;
}

Verdict verdict_of(const std::string& bytes, payload::Format format = payload::Format::autodetect) {
  std::vector<std::unique_ptr<io::ByteSource>> in;
  in.push_back(io::from_memory(bytes, "p"));
  return verdict_of(std::move(in), format);
}

}  // namespace

TEST_CASE("property: every form of a random trace gives the OTLP/JSON events and verdict") {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    std::mt19937_64 rng(seed);
    const Trace t = random_trace(rng);
    const Verdict expected = verdict_of(json_doc(t), payload::Format::otlp);
    std::string proto, framed, framed_zstd, bare_lines;
    for (const Resource& r : t) {
      proto += pb_resource(r);
      framed += payload::frame_record(pb_resource(r));
      framed_zstd += payload::frame_record(io::zstd_compress(pb_resource(r)));
      bare_lines += json_resource(r) + "\n";
    }
    const std::vector<std::pair<const char*, std::string>> forms = {
        {"protobuf", proto},
        {"gzip(protobuf)", io::gzip_compress(proto)},
        {"zstd(protobuf)", io::zstd_compress(proto)},
        {"zstd(JSON)", io::zstd_compress(json_doc(t))},
        {"length-prefixed(protobuf)", framed},
        {"length-prefixed(zstd(protobuf))", framed_zstd},
        {"zstd(length-prefixed(protobuf))", io::zstd_compress(framed)},
        {"bare ResourceSpans lines", bare_lines},
    };
    for (const auto& [form, bytes] : forms) {
      INFO("seed " << seed << ", " << form);
      const Verdict v = verdict_of(bytes);
      CHECK(v.events == expected.events);
      CHECK(v.issues == expected.issues);
    }
  }
}

TEST_CASE(
    "property: under --order time any split into prepared NDJSON files gives the OTLP verdict") {
  for (std::uint64_t seed = 1; seed <= 60; ++seed) {
    std::mt19937_64 rng(seed);
    const Trace t = random_trace(rng);
    const Verdict expected = verdict_of(json_doc(t), payload::Format::otlp);
    // Each resource goes to one of up to four parts; each part is prepared on its own.
    const std::size_t parts = 1 + rng() % 4;
    std::vector<Trace> split(parts);
    for (const Resource& r : t) split[rng() % parts].push_back(r);
    std::vector<std::unique_ptr<io::ByteSource>> prepared;
    for (std::size_t p = 0; p < parts; ++p) {
      if (split[p].empty()) continue;
      EventStore part;
      std::vector<std::unique_ptr<io::ByteSource>> in;
      in.push_back(io::from_memory(json_doc(split[p]), "part"));
      payload::load_events(std::move(in), payload::Format::otlp, {}, part);
      std::string ndjson;
      for (std::size_t i = 0; i < part.size(); ++i) append_event_line(ndjson, part[i]);
      prepared.push_back(io::from_memory(ndjson, "part-" + std::to_string(p) + ".ndjson"));
    }
    INFO("seed " << seed << ", " << parts << " parts");
    const Verdict v = verdict_of(std::move(prepared), payload::Format::ndjson);
    CHECK(v.events == expected.events);
    CHECK(v.issues == expected.issues);
  }
}

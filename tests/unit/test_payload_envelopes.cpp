// Back-end responses are traces (Jaeger api/v3, Tempo v1 and v2, in JSON and protobuf) and read
// as the same events as the OTLP inside them; what is known not to be a trace is refused by name.
#include <catch2/catch.hpp>

#include "kvonce/otlp/reader.hpp"
#include "kvonce/output/validation.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/util/error.hpp"

#include "support/loaded_payload.hpp"
#include "support/proto_writer.hpp"
#include "support/schema_enums.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

// A KvOnce span on key "k" with its own ids (`n` < 10).
std::string kv(unsigned long long start, const std::string& type, int n) {
  const std::string d = std::to_string(n);
  return span_json(start, {str_attr("kvonce.event.type", type), str_attr("kvonce.event.key", "k")},
                   std::string(31, '0') + d, std::string(15, '0') + d);
}

// The resourceSpans array of two KvOnce spans, and the TracesData around it.
std::string resource_spans_json() {
  return R"([{"resource":{"attributes":[)" + str_attr("service.name", "svc") +
         R"(]},"scopeSpans":[{"spans":[)" + kv(T0, "retry", 1) + "," + kv(T0 + 5, "success", 2) +
         "]}]}]";
}
std::string traces_data_json() {
  return R"({"resourceSpans":)" + resource_spans_json() + "}";
}

std::string id(std::size_t size, unsigned char last) {
  std::string s(size, '\0');
  s.back() = static_cast<char>(last);
  return s;
}

std::string pb_span(unsigned long long start, const char* type, unsigned char n) {
  return pb::len(1, id(16, n)) + pb::len(2, id(8, n)) + pb::fixed64(7, start) +
         pb::span_attr(pb::str_attr("kvonce.event.type", type)) +
         pb::span_attr(pb::str_attr("kvonce.event.key", "k"));
}

// A TracesData with one ResourceSpans (a resource with one attribute) of two spans.
std::string traces_data_pb() {
  return pb::resource_spans(
      pb::len(1, pb::str_attr("service.name", "svc")),
      pb::len(2, pb_span(T0, "retry", 1)) + pb::len(2, pb_span(T0 + 5, "success", 2)));
}

}  // namespace

TEST_CASE("envelopes: Jaeger api/v3 and Tempo v1 and v2 JSON read as the OTLP inside them") {
  const Loaded plain = load_bytes(traces_data_json());
  REQUIRE(plain.lines.size() == 2);
  const std::string jaeger = R"({"result":)" + traces_data_json() + "}";
  const std::pair<std::string, const char*> cases[] = {
      {jaeger, "jaeger-v3"},
      {R"({"batches":)" + resource_spans_json() + "}", "tempo-v1"},
      {R"({"trace":)" + traces_data_json() + R"(,"metrics":{"inspectedBytes":"1"}})", "tempo-v2"},
      {R"({"status":"COMPLETE","trace":)" + traces_data_json() + "}", "tempo-v2"},
  };
  for (const auto& [text, envelope] : cases) {
    for (const payload::Format format : {payload::Format::autodetect, payload::Format::otlp}) {
      INFO(text << " " << payload::to_string(format));
      const Loaded l = load_bytes(text, format);
      CHECK(l.lines == plain.lines);
      CHECK(l.result.stats.records == 2);
      CHECK_THAT(payload::form_json(l.result.inputs[0]),
                 Catch::Contains(std::string(",\"envelope\":\"") + envelope + "\""));
    }
  }
  CHECK(payload::describe_read(load_bytes(jaeger).result) ==
        "Jaeger api/v3 response (OTLP/JSON), 2 spans");
  CHECK_THAT(payload::form_json(plain.result.inputs[0]), !Catch::Contains("envelope"));
}

TEST_CASE("envelopes: several Jaeger api/v3 results back to back are one trace") {
  // Jaeger's HTTP gateway streams one {"result":..} object per chunk of the trace.
  const std::string first =
      R"({"result":{"resourceSpans":[{"scopeSpans":[{"spans":[)" + kv(T0, "retry", 1) + "]}]}]}}";
  const std::string second = R"({"result":{"resourceSpans":[{"scopeSpans":[{"spans":[)" +
                             kv(T0 + 5, "success", 2) + "]}]}]}}";
  const Loaded l = load_bytes(first + "\n" + second);
  REQUIRE(l.lines.size() == 2);
  CHECK(l.result.stats.documents == 2);
  CHECK(l.result.inputs[0].envelope == otlp::Envelope::jaeger_v3);
}

TEST_CASE("envelopes: Tempo v2 PARTIAL is refused unless accepted, then read with a warning") {
  const std::string partial = R"({"trace":)" + traces_data_json() +
                              R"(,"status":"PARTIAL","message":"trace exceeds max size"})";
  const Error e = load_error(partial);
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::StartsWith("in: Tempo v2 response") &&
                           Catch::Contains("status PARTIAL") &&
                           Catch::Contains("\"trace exceeds max size\"") &&
                           Catch::Contains("--accept-partial"));
  const Loaded l = load_bytes(partial, payload::Format::autodetect, true);
  CHECK(l.lines.size() == 2);
  // Kept apart from the other warnings, so none of theirs can crowd it out.
  CHECK(l.result.stats.warnings.empty());
  REQUIRE(l.result.stats.partial.size() == 1);
  CHECK(l.result.stats.partial_count == 1);
  CHECK_THAT(l.result.stats.partial[0], Catch::Contains("status PARTIAL"));
  CHECK_THAT(output::describe_warnings(l.result.stats).front(),
             Catch::Contains("status PARTIAL") &&
                 Catch::EndsWith(std::string(otlp::kPartialTraceWarning)));
}

TEST_CASE("envelopes: a PARTIAL trace's warning is never crowded out by other warnings") {
  // More spans sharing ids with a different event than warnings are kept: the partial warning,
  // given at the end of the response, still comes first in every output.
  std::string spans;
  for (int i = 0; i < 30; ++i) {
    const std::string ids = std::to_string(100 + i);
    spans += (i ? "," : "") +
             span_json(T0 + i,
                       {str_attr("kvonce.event.type", "retry"), str_attr("kvonce.event.key", "k")},
                       "0102030405060708090a0b0c0d0e0" + ids, "0102030405060" + ids);
    spans += "," + span_json(T0 + i,
                             {str_attr("kvonce.event.type", "success"),
                              str_attr("kvonce.event.key", "k")},
                             "0102030405060708090a0b0c0d0e0" + ids, "0102030405060" + ids);
  }
  const std::string partial = R"({"trace":{"resourceSpans":[{"scopeSpans":[{"spans":[)" + spans +
                              R"(]}]}]},"status":"PARTIAL"})";
  const Loaded l = load_bytes(partial, payload::Format::autodetect, true);
  CHECK(l.result.stats.warning_count == 30);
  const std::vector<std::string> warnings = output::describe_warnings(l.result.stats);
  REQUIRE_FALSE(warnings.empty());
  CHECK_THAT(warnings.front(), Catch::Contains("status PARTIAL"));
  CHECK(output::partial_warnings(l.result.stats) == std::vector<std::string>{warnings.front()});
}

TEST_CASE("envelopes: Tempo's not found and Jaeger's error objects are refused by name") {
  const Error not_found = load_error(R"({"trace":{},"metrics":{}})");
  CHECK(not_found.kind() == ErrorKind::input);
  CHECK_THAT(not_found.what(),
             Catch::Contains("Tempo v2 response") && Catch::Contains("trace not found"));
  const Error jaeger = load_error(
      R"({"error":{"grpcCode":5,"httpCode":404,"message":"trace not found","httpStatus":"Not Found"}})");
  CHECK(jaeger.kind() == ErrorKind::input);
  CHECK_THAT(jaeger.what(), Catch::Contains("Jaeger API error response") &&
                                Catch::Contains("httpCode 404, \"trace not found\""));
}

TEST_CASE("envelopes: NDJSON events with a trace member stay NDJSON events") {
  const std::string line =
      R"({"timestamp":"2025-10-04T06:00:00.000Z","type":"success","key":"a","trace":{"id":"1"}})";
  const Loaded l = load_bytes(line + "\n");
  CHECK(l.result.inputs[0].format == payload::Format::ndjson);
  CHECK(l.lines.size() == 1);
}

TEST_CASE("envelopes: a Tempo v2 protobuf TraceByIDResponse reads as the TracesData inside") {
  const std::string inner = traces_data_pb();
  const Loaded plain = load_bytes(inner);
  REQUIRE(plain.lines.size() == 2);
  CHECK(plain.result.inputs[0].envelope == otlp::Envelope::none);
  const std::string response = pb::len(1, inner) + pb::len(2, pb::uint(1, 7));
  const Loaded l = load_bytes(response, payload::Format::otlp);
  CHECK(l.lines == plain.lines);
  CHECK(l.result.inputs[0].envelope == otlp::Envelope::tempo_v2);
  CHECK(payload::describe_read(l.result) == "Tempo v2 response (OTLP protobuf), 2 spans");

  const Error partial = load_error(response + pb::uint(3, 1) + pb::len(4, "too big"));
  CHECK_THAT(partial.what(), Catch::Contains("Tempo v2 response (protobuf TraceByIDResponse)") &&
                                 Catch::Contains("status PARTIAL") &&
                                 Catch::Contains("\"too big\""));
  const Loaded accepted = load_bytes(response + pb::uint(3, 1), payload::Format::autodetect, true);
  CHECK(accepted.lines == plain.lines);
  CHECK(accepted.result.stats.partial.size() == 1);
}

TEST_CASE("envelopes: a TracesData whose Resource has dropped_attributes_count stays OTLP") {
  // Field 2 of the Resource is a varint: OTLP, not the ResourceSpans of a TraceByIDResponse.
  const std::string resource = pb::len(1, pb::str_attr("service.name", "svc")) + pb::uint(2, 3);
  const Loaded l = load_bytes(pb::resource_spans(resource, pb::len(2, pb_span(T0, "success", 1))));
  CHECK(l.result.inputs[0].envelope == otlp::Envelope::none);
  CHECK(l.lines.size() == 1);
}

TEST_CASE("foreign forms: JSON that is not a trace is refused by name with a hint") {
  const std::pair<std::string, const char*> cases[] = {
      {R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[]}]}]})", "OTLP logs (resourceLogs)"},
      {R"({"resourceMetrics":[{"scopeMetrics":[]}]})", "OTLP metrics (resourceMetrics)"},
      {R"([{"traceId":"5af7183fb1d4cf5f","id":"6b221d5bc9e6496c","kind":"SERVER","timestamp":1,"localEndpoint":{}}])",
       "Zipkin JSON"},
      {R"([{"a":1}])", "a top-level JSON array"},
      {R"({"data":[{"traceID":"abc","spans":[],"processes":{}}],"total":0})", "Jaeger UI JSON"},
      {R"({"Name":"put","SpanContext":{"TraceID":"01"},"StartTime":"2025-01-01T00:00:00Z"})",
       "Go stdouttrace output"},
      {"{\n  resource: {\n    attributes: {}\n  },\n  traceId: 'ab',\n}\n",
       "the JavaScript SDK's ConsoleSpanExporter output"},
  };
  for (const auto& [text, name] : cases) {
    for (const payload::Format format : {payload::Format::autodetect, payload::Format::otlp}) {
      INFO(text);
      const Error e = load_error(text, format);
      CHECK(e.kind() == ErrorKind::input);
      CHECK_THAT(e.what(), Catch::StartsWith(std::string("in: ") + name) &&
                               Catch::Contains("not a trace kvonce-trace reads ("));
    }
  }
  CHECK_THAT(load_error(R"([{"traceId":"1","id":"2","localEndpoint":{}}])").what(),
             Catch::Contains("zipkin receiver"));
}

TEST_CASE("foreign forms: bytes that are not JSON say what they are") {
  const std::pair<std::string, const char*> cases[] = {
      {"<!DOCTYPE html>\n<html><body>Sign in</body></html>", "an HTML page"},
      {"2025-01-01T00:00:00.000Z\tinfo\tResourceSpans #0\nResource SchemaURL: \n",
       "the Collector's debug exporter text"},
      // verbosity normal, as the exporter's own test expects it (normal/traces_test.go)
      {"ResourceTraces #0\nScopeTraces #0\nspan-name 0102030405060708090a0b0c0d0e0f10 "
       "1112131415161718 key1=value1 key2=value2\n",
       "the Collector's debug exporter text"},
      {std::string("\x80\x01\x00\x04\x00\x00\x00\x09"
                   "emitBatch",
                   17),
       "Jaeger thrift (binary protocol)"},
      {std::string("\x0c\x00\x01\x0b\x00\x01\x00\x00\x00\x03svc", 13),
       "Jaeger thrift (binary protocol)"},
      {std::string("\x82\x81\x01\x09"
                   "emitBatch",
                   13),
       "Jaeger thrift (compact protocol)"},
      {std::string("\x1c\x18\x03svc", 6), "Jaeger thrift (compact protocol)"},
  };
  for (const auto& [bytes, name] : cases) {
    INFO(name);
    const Error e = load_error(bytes);
    CHECK(e.kind() == ErrorKind::input);
    CHECK_THAT(e.what(), Catch::StartsWith(std::string("in: ") + name));
  }
  CHECK_THAT(load_error("\x89PNG\r\n").what(), Catch::Contains("not JSON, protobuf, gzip or zstd"));
}

TEST_CASE("foreign forms: an object stream that is neither stays NDJSON, no events is exit 2") {
  const Loaded l = load_bytes("{\"hello\":1}\n{\"world\":2}\n");
  CHECK(l.result.inputs[0].format == payload::Format::ndjson);
  CHECK(l.lines.empty());
  CHECK(l.result.stats.records == 2);
}

TEST_CASE("foreign forms: a protobuf LogRecord field refuses the payload by name, even late") {
  // Two spans, then a LogRecord's observed_time_unix_nano (field 11, fixed64) in a third.
  const std::string spans = pb::len(2, pb_span(T0, "retry", 1)) +
                            pb::len(2, pb_span(T0 + 5, "success", 2)) +
                            pb::len(2, pb::len(5, pb::string_value("body")) + pb::fixed64(11, T0));
  const Error e = load_error(pb::resource_spans("", spans));
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::StartsWith("in: OTLP logs, not traces: field 11 at byte ") &&
                           Catch::Contains("(in resource_spans[0].scope_spans[0].spans[2])"));
  const Error metric =
      load_error(pb::resource_spans("", pb::len(2, pb::len(1, "m") + pb::len(7, ""))));
  CHECK_THAT(metric.what(), Catch::StartsWith("in: OTLP metrics, not traces: field 7"));
}

TEST_CASE("envelopes: every schema's envelope enum lists exactly the envelopes read") {
  std::set<std::string> names;
  for (const otlp::Envelope e : {otlp::Envelope::jaeger_v3, otlp::Envelope::tempo_v1,
                                 otlp::Envelope::tempo_v2, otlp::Envelope::grpc_body}) {
    names.insert(otlp::to_string(e));
  }
  const auto enums = test::property_enums("envelope");
  for (const test::SchemaEnum& e : enums) {
    CAPTURE(e.file, e.pointer);
    CHECK(e.values == names);
  }
  CHECK(enums.size() == 2);  // the validation and prepare-stats schemas
}

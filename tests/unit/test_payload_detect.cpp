// One detection step: compression x framing x encoding, sniffed from content, nested as real
// files nest them; the same events whatever the form.
#include <catch2/catch.hpp>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/io/zstd_source.hpp"
#include "kvonce/payload/detect.hpp"
#include "kvonce/payload/framing.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/util/error.hpp"

#include "support/loaded_payload.hpp"
#include "support/proto_writer.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

std::string id(std::size_t size, unsigned char last) {
  std::string s(size, '\0');
  s.back() = static_cast<char>(last);
  return s;
}

// One resource with a success on "a" and a retry on "b", as OTLP/JSON and as protobuf.
std::string json_resource(int n) {
  const std::string ids = std::to_string(n);
  return R"({"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"w)" + ids +
         R"("}}]},"scopeSpans":[{"spans":[)" +
         span_json(
             T0 + n,
             {str_attr("kvonce.event.type", "success"), str_attr("kvonce.event.key", "a" + ids)},
             "000000000000000000000000000000" + std::string(n < 10 ? "0" : "") + ids,
             "000000000000000" + ids) +
         "]}]}";
}
std::string pb_resource(int n) {
  const std::string ids = std::to_string(n);
  const std::string span = pb::len(1, id(16, static_cast<unsigned char>(n))) +
                           pb::len(2, id(8, static_cast<unsigned char>(n))) +
                           pb::fixed64(7, T0 + n) +
                           pb::span_attr(pb::str_attr("kvonce.event.type", "success")) +
                           pb::span_attr(pb::str_attr("kvonce.event.key", "a" + ids));
  const std::string resource = pb::len(1, pb::str_attr("service.name", "w" + ids));
  return pb::len(1, pb::len(1, resource) + pb::len(2, pb::len(2, span)));
}

}  // namespace

TEST_CASE("detect: every form of the same two resources gives the same events") {
  const std::string doc = "{\"resourceSpans\":[" + json_resource(1) + "]}\n{\"resourceSpans\":[" +
                          json_resource(2) + "]}\n";
  const std::vector<std::string> expected = load_bytes(doc).lines;
  REQUIRE(expected.size() == 2);
  const std::string proto = pb_resource(1) + pb_resource(2);
  const std::string json1 = "{\"resourceSpans\":[" + json_resource(1) + "]}";
  const std::string json2 = "{\"resourceSpans\":[" + json_resource(2) + "]}";
  const std::vector<std::pair<std::string, std::string>> forms = {
      {"protobuf", proto},
      {"gzip(protobuf)", io::gzip_compress(proto)},
      {"zstd(protobuf)", io::zstd_compress(proto)},
      {"zstd(JSON lines)", io::zstd_compress(doc)},
      {"bare ResourceSpans, one per line", json_resource(1) + "\n" + json_resource(2) + "\n"},
      {"bare ResourceSpans, pretty",
       "{\n  \"resource\": " + json_resource(1).substr(12) + "\n" + json_resource(2)},
      {"length-prefixed(protobuf)",
       payload::frame_record(pb_resource(1)) + payload::frame_record(pb_resource(2))},
      {"length-prefixed(JSON)", payload::frame_record(json1) + payload::frame_record(json2)},
      {"length-prefixed(zstd(protobuf))",
       payload::frame_record(io::zstd_compress(pb_resource(1))) +
           payload::frame_record(io::zstd_compress(pb_resource(2)))},
      {"length-prefixed(zstd(JSON))", payload::frame_record(io::zstd_compress(json1)) +
                                          payload::frame_record(io::zstd_compress(json2))},
      {"zstd(length-prefixed(protobuf))", io::zstd_compress(payload::frame_record(pb_resource(1)) +
                                                            payload::frame_record(pb_resource(2)))},
      {"JSON lines after an empty line", "\n" + doc},
  };
  for (const auto& [form, bytes] : forms) {
    INFO(form);
    CHECK(load_bytes(bytes).lines == expected);
  }
}

TEST_CASE("detect: the input summary records compression, framing, encoding and records") {
  const std::string framed =
      io::zstd_compress(payload::frame_record(io::zstd_compress(pb_resource(1))) +
                        payload::frame_record(io::zstd_compress(pb_resource(2))));
  const Loaded l = load_bytes(framed);
  const payload::InputSummary& in = l.result.inputs.at(0);
  CHECK(in.info.compression == io::Compression::zstd);
  CHECK(in.framing == payload::Framing::length_prefixed);
  CHECK(in.encoding == payload::Encoding::protobuf);
  CHECK(in.record_compression == io::Compression::zstd);
  CHECK(in.records == 2);
  CHECK(payload::describe_form(in) == "zstd 2 length-prefixed zstd protobuf records");
  const Loaded g = load_bytes(io::gzip_compress(pb_resource(1)));
  CHECK(payload::describe_form(g.result.inputs.at(0)) == "gzip OTLP protobuf");
  CHECK(payload::describe_form(load_bytes(json_resource(1)).result.inputs.at(0)) == "OTLP/JSON");
}

TEST_CASE("detect: bytes that are none of the forms are an input error that says what they are") {
  Error e = load_error(std::string("\x89PNG\r\n\x1a\n", 8));
  CHECK(e.kind() == ErrorKind::input);
  CHECK(std::string(e.what()) ==
        "in: not JSON, protobuf, gzip or zstd: starts with 0x89 0x50 0x4e 0x47");
  e = load_error(payload::frame_record("\x89PNG"));
  CHECK(e.kind() == ErrorKind::input);
  e = load_error(io::zstd_compress("PK\x03\x04 zip"));
  CHECK_THAT(e.what(),
             Catch::Contains("not JSON, protobuf, gzip or zstd: starts with 0x50 0x4b 0x03 0x04"));
}

TEST_CASE("detect: protobuf under --format ndjson is refused, --format otlp reads it") {
  const Error e = load_error(pb_resource(1), payload::Format::ndjson);
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::Contains("--format ndjson, but the input is OTLP protobuf"));
  CHECK(load_bytes(pb_resource(1), payload::Format::otlp).lines.size() == 1);
}

TEST_CASE("detect: a truncated length-prefixed record names the record and the byte") {
  const std::string framed =
      payload::frame_record(pb_resource(1)) + payload::frame_record(pb_resource(2));
  Error e = load_error(framed.substr(0, framed.size() - 4));
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::StartsWith("in record 1 (byte ") &&
                           Catch::Contains("length-prefixed record truncated at byte"));
  e = load_error(framed + std::string("\0\0", 2));
  CHECK_THAT(e.what(),
             Catch::Contains("in record 2") && Catch::Contains("the 4-byte length ends after 2"));
}

TEST_CASE("detect: NDJSON events and OTLP/JSON under auto keep their old detection") {
  const std::string ndjson =
      R"({"traceId":"t","timestamp":"2025-10-09T08:53:20.000Z","actor":"a","type":"success","key":"k"})"
      "\n";
  const Loaded l = load_bytes(ndjson);
  CHECK(l.result.inputs.at(0).format == payload::Format::ndjson);
  CHECK(l.lines.size() == 1);
  CHECK(load_bytes("").result.inputs.at(0).format == payload::Format::ndjson);
}

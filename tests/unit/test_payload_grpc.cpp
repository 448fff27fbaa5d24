// gRPC request bodies: the 5-byte prefixes (compressed flag, big-endian length) of an OTLP
// exporter's Export call, one or more messages, each plain or gzip / zstd compressed; told from
// the Collector's length-prefixed records by how the prefixes chain.
#include <catch2/catch.hpp>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/io/zstd_source.hpp"
#include "kvonce/payload/detect.hpp"
#include "kvonce/payload/framing.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/util/error.hpp"

#include "support/loaded_payload.hpp"
#include "support/peak_memory.hpp"
#include "support/proto_writer.hpp"
#include "support/schema_enums.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

std::string error_of(const std::string& bytes) {
  try {
    load_bytes(bytes);
  } catch (const Error& e) {
    return std::string(e.kind() == ErrorKind::input ? "input: " : "other: ") + e.what();
  }
  return "no error";
}

// One ExportTraceServiceRequest holding a resource with a success on "a<n>"; `pad` bytes of an
// extra attribute set its size.
std::string request(int n, std::size_t pad = 0) {
  const std::string ids = std::to_string(n);
  std::string span = pb::len(1, std::string(15, '\0') + static_cast<char>(n)) +
                     pb::len(2, std::string(7, '\0') + static_cast<char>(n)) +
                     pb::fixed64(7, T0 + n) +
                     pb::span_attr(pb::str_attr("kvonce.event.type", "success")) +
                     pb::span_attr(pb::str_attr("kvonce.event.key", "a" + ids));
  if (pad != 0) span += pb::span_attr(pb::str_attr("pad", std::string(pad, 'x')));
  const std::string resource = pb::len(1, pb::str_attr("service.name", "w" + ids));
  return pb::len(1, pb::len(1, resource) + pb::len(2, pb::len(2, span)));
}

// A request of exactly `size` bytes (keys a1, a10, a100 of different lengths fill the sizes a
// length's varint growing by a byte skips).
std::string request_of_size(std::size_t size) {
  for (const int n : {1, 10, 100}) {
    for (std::size_t pad = 1; pad < size; ++pad) {
      std::string r = request(n, pad);
      if (r.size() == size) return r;
    }
  }
  FAIL("no padding gives " << size << " bytes");
  return {};
}

// The framing detection gives the (decompressed) bytes; "refused" when it names none.
std::string framing_of(const std::string& bytes) {
  try {
    return payload::to_string(
        payload::detect_content(bytes.substr(0, payload::kDetectBytes), "in").framing);
  } catch (const Error&) {
    return "refused";
  }
}

}  // namespace

TEST_CASE("grpc: bodies of one or more messages, plain or compressed, give the OTLP events") {
  const std::vector<std::string> expected = load_bytes(request(1) + request(2)).lines;
  REQUIRE(expected.size() == 2);
  const std::vector<std::pair<std::string, std::string>> forms = {
      {"one message", payload::frame_grpc(request(1) + request(2))},
      {"two messages", payload::frame_grpc(request(1)) + payload::frame_grpc(request(2))},
      {"gzip message", payload::frame_grpc(io::gzip_compress(request(1) + request(2)), true)},
      {"zstd message", payload::frame_grpc(io::zstd_compress(request(1) + request(2)), true)},
      {"zstd then plain",
       payload::frame_grpc(io::zstd_compress(request(1)), true) + payload::frame_grpc(request(2))},
      {"plain, empty, gzip", payload::frame_grpc(request(1)) + payload::frame_grpc("") +
                                 payload::frame_grpc(io::gzip_compress(request(2)), true)},
      {"gzip(body)",
       io::gzip_compress(payload::frame_grpc(request(1)) + payload::frame_grpc(request(2)))},
  };
  for (const auto& [form, bytes] : forms) {
    INFO(form);
    CHECK(load_bytes(bytes).result.inputs.at(0).framing == payload::Framing::grpc);
    CHECK(load_bytes(bytes).lines == expected);
    CHECK(load_bytes(bytes, payload::Format::otlp).lines == expected);
  }
}

TEST_CASE("grpc: the input summary names the body, its messages and their compression") {
  const Loaded l = load_bytes(payload::frame_grpc(io::gzip_compress(request(1)), true) +
                              payload::frame_grpc(request(2)));
  const payload::InputSummary& in = l.result.inputs.at(0);
  CHECK(in.framing == payload::Framing::grpc);
  CHECK(in.encoding == payload::Encoding::protobuf);
  CHECK(in.envelope == otlp::Envelope::grpc_body);
  CHECK(in.records == 2);
  CHECK(in.record_compression == io::Compression::gzip);
  CHECK(payload::describe_form(in) == "gRPC request body (2 OTLP protobuf messages, gzip)");
  CHECK(payload::form_json(in) ==
        R"({"compression":"none","framing":"grpc","encoding":"protobuf","records":2,)"
        R"("recordCompression":"gzip","envelope":"grpc-body"})");
  const Loaded one = load_bytes(payload::frame_grpc(request(1)));
  CHECK(payload::describe_form(one.result.inputs.at(0)) ==
        "gRPC request body (1 OTLP protobuf message)");
}

TEST_CASE("grpc: a length whose low byte is 0x0a is a gRPC body, not a Collector record") {
  // 00 | 00 00 01 0a | 0a ...: read as the Collector's framing, a record of 1 byte (0x0a, a
  // protobuf tag) follows a 4-byte length of 1.
  const std::string message = request_of_size(0x10a);
  const std::string body = payload::frame_grpc(message);
  REQUIRE(body.substr(0, 6) == std::string("\x00\x00\x00\x01\x0a\x0a", 6));
  CHECK(framing_of(body) == "grpc");
  CHECK(load_bytes(body).lines == load_bytes(message).lines);
  CHECK(load_bytes(body).lines.size() == 1);
}

TEST_CASE("grpc: prefixes that do not chain to the end are not a gRPC body") {
  const std::string body = payload::frame_grpc(request(1)) + payload::frame_grpc(request(2));
  // A byte too many, a flag of 2 in the second prefix, a length one short: not gRPC, and (as
  // before) not the Collector's records either.
  std::string flag2 = body;
  flag2[payload::frame_grpc(request(1)).size()] = '\x02';
  std::string short_length = body;
  short_length[4] = static_cast<char>(short_length[4] - 1);
  for (const std::string& bytes : {body + "x", flag2, short_length}) {
    CHECK(framing_of(bytes) == "refused");
    CHECK_THAT(error_of(bytes), Catch::StartsWith("input: in: not JSON, protobuf, gzip or zstd"));
  }
  // The Collector's own records stay the Collector's.
  const std::string collector =
      payload::frame_record(request(1)) + payload::frame_record(request(2));
  CHECK(framing_of(collector) == "length-prefixed");
  CHECK(load_bytes(collector).lines.size() == 2);
}

TEST_CASE("grpc: a message compressed with another encoding is refused by name") {
  // An lz4 frame, which gRPC servers may also be configured to accept.
  const std::string lz4 = std::string("\x04\x22\x4d\x18", 4) + "abcdefgh";
  const std::string e = error_of(payload::frame_grpc(request(1)) + payload::frame_grpc(lz4, true));
  CHECK_THAT(
      e, Catch::StartsWith("input: in gRPC message 1 (byte ") &&
             Catch::Contains("a gRPC message compressed with an encoding other than gzip or zstd"));
}

TEST_CASE("grpc: a truncated body names the message and the byte") {
  // Longer than the detection head: the chain runs past it, and the body ends 5000 bytes early.
  const std::string message = request(1, 100000);
  const std::string body = payload::frame_grpc(message);
  const std::string truncated = body.substr(0, body.size() - 5000);
  CHECK(framing_of(truncated) == "grpc");
  CHECK_THAT(
      error_of(truncated),
      Catch::StartsWith("input: in gRPC message 0 (byte 5): gRPC message truncated at byte " +
                        std::to_string(truncated.size())) &&
          Catch::Contains(std::to_string(message.size()) + " bytes announced"));
  // Cut inside the second prefix.
  const std::string two = payload::frame_grpc(message) + payload::frame_grpc(request(2));
  CHECK_THAT(error_of(two.substr(0, body.size() + 3)),
             Catch::Contains("in gRPC message 1 (byte " + std::to_string(body.size()) +
                             "): gRPC message truncated: the 5-byte prefix ends after 3 byte(s)"));
}

TEST_CASE("grpc: a message that announces 1 GiB but holds a few bytes costs its bytes") {
  std::string body = payload::frame_grpc(request(1));
  body += std::string("\x00\x3f\xff\xff\xff", 5) + request(2);
  const PeakMemory peak = peak_memory_of([&] {
    EventStore store;
    std::vector<std::unique_ptr<io::ByteSource>> in;
    in.push_back(io::from_memory(body, "in"));
    payload::load_events(std::move(in), payload::Format::autodetect, {}, store);
    return std::string("events: ") + std::to_string(store.size());
  });
  CHECK_THAT(peak.outcome, Catch::Contains("threw: in gRPC message 1 (byte ") &&
                               Catch::Contains("gRPC message truncated at byte") &&
                               Catch::Contains("1073741823 bytes announced"));
  CHECK(peak.growth_bytes < 64 * (1 << 20));
}

TEST_CASE("grpc: every schema's framing enum lists exactly the framings read") {
  std::set<std::string> names;
  for (const payload::Framing f :
       {payload::Framing::stream, payload::Framing::length_prefixed, payload::Framing::grpc}) {
    names.insert(payload::to_string(f));
  }
  const auto enums = test::property_enums("framing");
  for (const test::SchemaEnum& e : enums) {
    CAPTURE(e.file, e.pointer);
    CHECK(e.values == names);
  }
  CHECK(enums.size() == 2);  // the validation and prepare-stats schemas
}

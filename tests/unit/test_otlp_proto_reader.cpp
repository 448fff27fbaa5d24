// OTLP protobuf payloads: the same events as the same trace in OTLP/JSON, fixtures encoded by
// protoc from tests/data/proto/*.txtpb, and errors that name the byte offset and field path.
#include <catch2/catch.hpp>

#include "kvonce/event/event.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/util/error.hpp"

#include "support/proto_writer.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

struct Loaded {
  EventStore store;
  payload::LoadResult result;
  std::vector<std::string> lines;
};

Loaded load_bytes(const std::string& bytes, payload::Format format = payload::Format::autodetect,
                  io::ReadLimits limits = {}) {
  Loaded l;
  std::vector<std::unique_ptr<io::ByteSource>> in;
  in.push_back(io::from_memory(bytes, "t.pb"));
  l.result = payload::load_events(std::move(in), format, limits, l.store);
  for (std::size_t i = 0; i < l.store.size(); ++i) {
    std::string s;
    append_event_line(s, l.store[i]);
    l.lines.push_back(s);
  }
  return l;
}

Error error_of(const std::string& bytes, io::ReadLimits limits = {}) {
  try {
    load_bytes(bytes, payload::Format::autodetect, limits);
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error");
  return Error(ErrorKind::internal, "");
}

std::string fixture(const std::string& stem) {
  return read_file(std::string(KVONCE_PROTO_FIXTURES) + "/" + stem + ".binpb");
}

std::string id_bytes(std::size_t size, unsigned char last) {
  std::string id(size, '\0');
  id.back() = static_cast<char>(last);
  return id;
}

// A KvOnce span in protobuf: ids, start time, type, key and further attributes.
std::string kv_span_pb(std::uint64_t start, const std::string& type, const std::string& key,
                       const std::string& more = "", unsigned char id = 1) {
  return pb::len(1, id_bytes(16, id)) + pb::len(2, id_bytes(8, id)) + pb::fixed64(7, start) +
         pb::span_attr(pb::str_attr("kvonce.event.type", type)) +
         pb::span_attr(pb::str_attr("kvonce.event.key", key)) + more;
}

std::string spans_pb(const std::vector<std::string>& spans) {
  std::string out;
  for (const auto& s : spans) out += pb::len(2, s);
  return out;
}

}  // namespace

TEST_CASE("protobuf: kvlist, array, bytes, double and bool values read as their OTLP/JSON form") {
  const Loaded pb = load_bytes(fixture("kvlist_bytes"));
  // The fixture's span ends at T0 + 9: the event is that interval in both encodings.
  const auto ended = [](std::string span) {
    return span.insert(1, "\"endTimeUnixNano\":\"" + std::to_string(T0 + 9) + "\",");
  };
  const Loaded json = load_bytes(otlp_doc(
      {ended(span_json(
          T0 + 1,
          {str_attr("kvonce.event.type", "retry"), str_attr("http.method", "PUT"),
           str_attr("kvonce.event.key", "alpha"),
           raw_attr("kvonce.event.value", R"({"bytesValue":"AP8Q"})"),
           raw_attr(
               "kvonce.event.context",
               R"({"kvlistValue":{"values":[{"key":"attempts","value":{"intValue":"1"}},)"
               R"({"key":"delay","value":{"doubleValue":0.25}},{"key":"ok","value":{"boolValue":false}},)"
               R"({"key":"empty","value":{}},{"key":"tags","value":{"arrayValue":{"values":[)"
               R"({"stringValue":"a"},{"intValue":-7},{},{"kvlistValue":{"values":[{"key":"x","value":{"stringValue":"y"}}]}}]}}}]}})")},
          "0abc0000000000000000000000000001", "0000000000000002"))},
      {str_attr("service.name", "writer-a")}));
  REQUIRE(pb.lines.size() == 1);
  CHECK_THAT(pb.lines[0], Catch::Contains("\"endTimeUnixNano\":\"1760000000000000009\""));
  CHECK(pb.lines == json.lines);
  CHECK_THAT(pb.lines[0], Catch::Contains(R"("value":"AP8Q")"));
  CHECK_THAT(
      pb.lines[0],
      Catch::Contains(
          R"("context":{"attempts":1,"delay":0.25,"ok":false,"tags":["a",-7,null,{"x":"y"}]})"));
  CHECK(pb.result.inputs[0].encoding == payload::Encoding::protobuf);
  CHECK(pb.result.inputs[0].format == payload::Format::otlp);
  CHECK(pb.result.stats.records == 1);
  CHECK(pb.result.stats.warning_count == 0);
}

TEST_CASE("protobuf: the deprecated instrumentation_library_spans field (1000) is read") {
  const Loaded l = load_bytes(fixture("deprecated_scope"));
  REQUIRE(l.lines.size() == 2);
  CHECK_THAT(l.lines[0], Catch::Contains(R"("traceId":"otlp-missing-traceid-r0-s0-p0")"));
  CHECK_THAT(l.lines[0], Catch::Contains(R"("event":"failure")"));
  CHECK_THAT(l.lines[1], Catch::Contains(R"("traceId":"00000000000000000000000000000007")"));
  CHECK_THAT(l.lines[1], Catch::Contains(R"("actor":"legacy-writer")"));
  CHECK_THAT(l.lines[1], Catch::Contains(R"("context":{"attempts":1})"));
}

TEST_CASE("protobuf: ids become lower-case hex, spans exported twice give one event") {
  const std::string span = kv_span_pb(T0, "success", "k", "", 0xab);
  const Loaded l = load_bytes(pb::resource_spans("", spans_pb({span, span})));
  REQUIRE(l.lines.size() == 1);
  CHECK_THAT(l.lines[0], Catch::Contains(R"("traceId":"000000000000000000000000000000ab")"));
  CHECK_THAT(l.lines[0], Catch::Contains(R"("spanId":"00000000000000ab")"));
  CHECK(l.store[0].span_id == "00000000000000ab");
  CHECK(l.result.stats.duplicates == 1);
}

TEST_CASE("protobuf: a resource written after its spans still supplies the actor") {
  const std::string rs = pb::len(2, spans_pb({kv_span_pb(T0, "success", "k")})) +
                         pb::len(1, pb::len(1, pb::str_attr("service.name", "late-writer")));
  const Loaded l = load_bytes(pb::len(1, rs));
  REQUIRE(l.lines.size() == 1);
  CHECK_THAT(l.lines[0], Catch::Contains(R"("actor":"late-writer")"));
}

TEST_CASE("protobuf: the same warnings and skips as JSON (no start time, no key, bad UTF-8)") {
  const std::string no_time = pb::span_attr(pb::str_attr("kvonce.event.type", "success")) +
                              pb::span_attr(pb::str_attr("kvonce.event.key", "k"));
  const std::string no_key =
      pb::fixed64(7, T0) + pb::span_attr(pb::str_attr("kvonce.event.type", "success"));
  const std::string bad_utf8 = kv_span_pb(
      T0, "success", "k", pb::span_attr(pb::str_attr("kvonce.event.value", "\xff\xfe")), 2);
  const Loaded l = load_bytes(pb::resource_spans("", spans_pb({no_time, no_key, bad_utf8})));
  CHECK(l.result.stats.bad_timestamp == 1);
  CHECK(l.result.stats.missing_key == 1);
  REQUIRE(l.lines.size() == 1);
  CHECK_THAT(l.lines[0], !Catch::Contains("\"value\""));
  REQUIRE(l.result.stats.warnings.size() == 2);
  CHECK_THAT(l.result.stats.warnings[0],
             Catch::StartsWith("t.pb: span r0-s0-p0 at byte ") &&
                 Catch::EndsWith(": startTimeUnixNano is missing; span skipped"));
  CHECK_THAT(l.result.stats.warnings[1],
             Catch::Contains("span r0-s0-p2") &&
                 Catch::Contains("attribute kvonce.event.value: string_value of 2 bytes is not "
                                 "valid UTF-8"));
}

TEST_CASE("protobuf: a known field with another wire type is skipped as an unknown field") {
  // Wire types that fit neither a Span nor a LogRecord or Metric (those refuse the payload).
  const std::string span = pb::fixed32(7, 5) + pb::fixed64(7, T0) + pb::uint(9, 3) +
                           pb::fixed32(1, 9) + kv_span_pb(T0 + 5, "success", "k");
  const Loaded l = load_bytes(pb::resource_spans(pb::uint(1, 4), spans_pb({span})));
  REQUIRE(l.lines.size() == 1);
}

TEST_CASE("protobuf: a truncated payload names the byte offset and the field path") {
  const std::string spans =
      spans_pb({kv_span_pb(T0, "success", "a", "", 1), kv_span_pb(T0, "retry", "b", "", 2)});
  const std::string whole =
      pb::resource_spans(pb::len(1, pb::str_attr("service.name", "s")), spans);
  const Error e = error_of(whole.substr(0, whole.size() - 3));
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::StartsWith("t.pb: protobuf record truncated at byte ") &&
                           Catch::Contains("(in resource_spans[0].scope_spans[0].spans[1]"));
}

TEST_CASE("protobuf: an invalid wire type and an unmatched end-group are input errors") {
  const std::string span7 = pb::tag(30, 7) + "x";
  Error e = error_of(pb::resource_spans("", spans_pb({kv_span_pb(T0, "success", "k") + span7})));
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(),
             Catch::Contains("invalid protobuf at byte") &&
                 Catch::Contains("resource_spans[0].scope_spans[0].spans[0]): wire type 7"));
  e = error_of(pb::len(1, pb::tag(5, 4)));
  CHECK_THAT(e.what(), Catch::Contains("an end-group tag without its start"));
}

TEST_CASE("protobuf: values nested deeper than 64 levels are an input error, not a crash") {
  std::string value = pb::string_value("leaf");
  for (int i = 0; i < 70; ++i) value = pb::len(5, pb::len(1, value));
  const Error e = error_of(pb::resource_spans(
      "", spans_pb({kv_span_pb(T0, "success", "k",
                               pb::span_attr(pb::attr("kvonce.event.context", value)))})));
  CHECK(e.kind() == ErrorKind::input);
  CHECK_THAT(e.what(), Catch::Contains("nested deeper than 64 levels"));
}

TEST_CASE("protobuf: a string longer than the string limit is a limit error") {
  io::ReadLimits limits;
  limits.max_string_bytes = 100;
  const std::string span = kv_span_pb(T0, "success", std::string(200, 'k'));
  const Error e = error_of(pb::resource_spans("", spans_pb({span})), limits);
  CHECK(e.kind() == ErrorKind::limit);
  CHECK_THAT(e.what(), Catch::Contains("spans[0].attributes[1]") &&
                           Catch::Contains("is longer than 100 bytes"));
}

TEST_CASE("protobuf: strings and messages longer than the read buffer are read whole") {
  const std::string value(300 * 1024, 'v');    // longer than the reader's buffer: copied aside
  const std::string skipped(600 * 1024, 's');  // an attribute the mapping ignores: skipped
  const std::string span = kv_span_pb(T0, "success", "k",
                                      pb::span_attr(pb::str_attr("http.request.body", skipped)) +
                                          pb::span_attr(pb::str_attr("kvonce.event.value", value)));
  const Loaded l =
      load_bytes(pb::resource_spans("", spans_pb({span, kv_span_pb(T0 + 1, "retry", "k", "", 2)})));
  REQUIRE(l.lines.size() == 2);
  CHECK_THAT(l.lines[0], Catch::Contains("\"value\":\"" + value + "\""));
  CHECK_THAT(l.lines[1], Catch::Contains(R"("spanId":"0000000000000002")"));
}

TEST_CASE("protobuf: a KeyValue read in place and the same one read by the general walk agree") {
  // Each attribute twice: as exporters write it, which the reader reads in place when its key
  // and string value are short, and with an unknown field after its value, which leaves it to
  // the general walk. Events, warnings and errors must be the same.
  const std::vector<std::pair<std::string, std::string>> attributes = {
      {"kvonce.event.value", pb::string_value("v")},
      {"kvonce.event.value", pb::string_value("")},
      {"kvonce.event.value", pb::string_value(std::string(127, 'x'))},  // the longest in place
      {"kvonce.event.value", pb::string_value(std::string(128, 'x'))},  // a two-byte length
      {"kvonce.event.value", pb::string_value("quote \" and \\ and \x01")},
      {"kvonce.event.value", pb::string_value("\xff\xfe")},  // not UTF-8: a warning
      {"kvonce.event.value", pb::uint(3, 5)},                // an int_value
      {"kvonce.event.value", ""},                            // an empty AnyValue
      {"kvonce.event.value", pb::string_value("a") + pb::string_value("b")},  // the last wins
      {"kvonce.event.value", pb::string_value("s") + pb::uint(3, 7)},
      {"kvonce.event.reason", pb::string_value("timeout")},
      {"kvonce.event.actor", pb::string_value("client-9")},
      {"kvonce.event.context.attempts", pb::string_value("2")},  // a flattened context member
      {"kvonce.event.context", pb::string_value("{\"attempts\":1}")},
      {"http.route", pb::string_value("/kv/{key}")},  // not the mapping's: skipped
      {"http.route", pb::string_value("\xff")},       // skipped unread, even not UTF-8
      {"http.route", pb::len(5, std::string(3, '\xff'))},
      {"\xff\xfe", pb::string_value("v")},  // a name that is not UTF-8
      // Its value is then read, as the walk reads it: here a string that claims more bytes than
      // the value holds, an input error (kept until the payload is known not to be logs).
      {"\xff\xfe", pb::tag(1, 2) + pb::varint(50) + "x"},
      {"http.route", pb::tag(1, 2) + pb::varint(50) + "x"},  // skipped unread: no error
      {"", pb::string_value("v")},
      {std::string(127, 'k'), pb::string_value("v")},
      {std::string(128, 'k'), pb::string_value("v")},
  };
  for (std::size_t i = 0; i < attributes.size(); ++i) {
    const std::string& key = attributes[i].first;  // not a structured binding: captured below
    const std::string& value = attributes[i].second;
    for (const std::size_t limit : {std::size_t{1} << 20, std::size_t{3}}) {
      INFO("attribute " << i << ", string limit " << limit);
      io::ReadLimits limits;
      limits.max_string_bytes = limit;
      const auto read = [&](const std::string& extra) {
        const std::string kv = pb::len(1, key) + pb::len(2, value) + extra;
        const std::string span = kv_span_pb(T0, "success", "k", pb::span_attr(kv));
        try {
          const Loaded l = load_bytes(pb::resource_spans("", spans_pb({span})),
                                      payload::Format::autodetect, limits);
          std::string out;
          for (const std::string& line : l.lines) out += line;
          for (const std::string& w : l.result.stats.warnings) out += "warning: " + w + "\n";
          return out;
        } catch (const Error& e) {
          // The byte offsets differ by the extra field's bytes: compare the kind and the text
          // up to the offset.
          const std::string what = e.what();
          return "error " + std::to_string(static_cast<int>(e.kind())) + ": " +
                 what.substr(0, what.find(" at byte "));
        }
      };
      const std::string in_place = read(""), walked = read(pb::uint(3, 1));
      CHECK(in_place == walked);
      CHECK_FALSE(in_place.empty());
    }
  }
}

TEST_CASE("protobuf: a string value is kept exactly when it is UTF-8, whatever its length") {
  // ASCII is told eight bytes at a time, the last eight overlapping: a byte that is not ASCII
  // anywhere in a string of any length must still be looked at.
  const std::vector<std::pair<std::string, bool>> inserts = {
      {"\xc3\xa9", true},          // é
      {"\xf0\x9f\x98\x80", true},  // U+1F600
      {"\x80", false},             // a continuation byte alone
      {"\xc3", false},             // a lead byte without its continuation
      {"\xed\xa0\x80", false},     // a surrogate
      {"\xc0\xaf", false},         // an overlong '/'
  };
  for (std::size_t n = 0; n <= 20; ++n) {
    for (std::size_t at = 0; at <= n; ++at) {
      for (const auto& [insert, valid] : inserts) {
        const std::string text = std::string(at, 'a') + insert + std::string(n - at, 'z');
        INFO(n << " ASCII bytes, the insert " << (valid ? "valid" : "invalid") << " at " << at);
        const Loaded l = load_bytes(pb::resource_spans(
            "", spans_pb({kv_span_pb(T0, "success", "k",
                                     pb::span_attr(pb::str_attr("kvonce.event.value", text)))})));
        REQUIRE(l.lines.size() == 1);
        CHECK((l.lines[0].find("\"value\":\"" + text + "\"") != std::string::npos) == valid);
        CHECK(l.result.stats.warnings.size() == (valid ? 0u : 1u));
      }
    }
  }
}

// The listeners' request handler without sockets: every answer of the table in
// receive/server.hpp, for OTLP/HTTP (protobuf and JSON, gzip) and OTLP/gRPC, and what the
// capture keeps.
#include <catch2/catch.hpp>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/payload/framing.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/receive/handler.hpp"

#include "support/proto_writer.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using namespace kvonce::receive;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

std::string kv_span_pb(std::uint64_t start, const std::string& type, const std::string& key,
                       unsigned char id) {
  std::string trace(16, '\0'), span(8, '\0');
  trace.back() = static_cast<char>(id);
  span.back() = static_cast<char>(id);
  return pb::len(1, trace) + pb::len(2, span) + pb::fixed64(7, start) +
         pb::span_attr(pb::str_attr("kvonce.event.type", type)) +
         pb::span_attr(pb::str_attr("kvonce.event.key", key));
}

// An ExportTraceServiceRequest with `n` KvOnce spans.
std::string request_pb(int n, unsigned char first_id = 1) {
  std::string spans;
  for (int i = 0; i < n; ++i) {
    spans +=
        pb::len(2, kv_span_pb(T0 + static_cast<unsigned>(i), "success", "k" + std::to_string(i),
                              static_cast<unsigned char>(first_id + i)));
  }
  return pb::resource_spans("", spans);
}

std::string request_json() {
  return otlp_doc({kv_span(T0, "success", "a"), kv_span(T0 + 1, "success", "b")});
}

struct Fixture {
  TempDir dir;
  std::filesystem::path path = dir / "capture.bin";
  Capture capture{path};
  ServerOptions options;
  std::optional<RequestHandler> handler;

  Fixture() { handler.emplace(options, capture); }
  void reset(const ServerOptions& o) {
    options = o;
    handler.emplace(options, capture);
  }
  HttpResponse post(std::string body, std::string type = "application/x-protobuf",
                    std::string encoding = "", std::string authorization = "") {
    HttpRequest r;
    r.method = "POST";
    r.path = kHttpPath;
    r.content_type = type;
    r.content_encoding = encoding;
    r.authorization = authorization;
    r.body = body;
    return handler->http(r);
  }
  GrpcResponse call(std::string body, std::string encoding = "", std::string authorization = "",
                    std::string method_path = std::string(kGrpcPath)) {
    GrpcRequest r;
    r.method = "POST";
    r.path = method_path;
    r.content_type = "application/grpc";
    r.grpc_encoding = encoding;
    r.authorization = authorization;
    r.body = body;
    return handler->grpc(r);
  }
  // The events of the capture, read back as any Collector file is.
  std::vector<std::string> events() {
    capture.commit();
    EventStore store;
    payload::load_files({path.string()}, payload::Format::autodetect, {}, store);
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < store.size(); ++i) {
      std::string s;
      append_event_line(s, store[i]);
      lines.push_back(s);
    }
    return lines;
  }
};

std::string header(const HttpResponse& r, const std::string& name) {
  for (const auto& h : r.headers) {
    if (h.name == name) return h.value;
  }
  return "<none>";
}

std::string grpc_frame(const std::string& message, bool compressed = false) {
  return payload::frame_grpc(message, compressed);
}

}  // namespace

TEST_CASE("receive handler: OTLP/HTTP protobuf and JSON bodies are kept and answered in kind",
          "[receive]") {
  Fixture f;
  const HttpResponse pb = f.post(request_pb(2));
  CHECK(pb.status == 200);
  CHECK(pb.body.empty());  // an empty ExportTraceServiceResponse
  CHECK(header(pb, "Content-Type") == "application/x-protobuf");
  const HttpResponse json = f.post(request_json(), "application/json; charset=utf-8");
  CHECK(json.status == 200);
  CHECK(json.body == "{}");
  CHECK(header(json, "Content-Type") == "application/json");
  const Counters c = f.handler->counters();
  CHECK(c.requests == 2);
  CHECK(c.accepted_requests == 2);
  CHECK(c.spans == 4);
  CHECK(c.bytes == request_pb(2).size() + request_json().size());
  CHECK(f.capture.records() == 2);
  CHECK(f.events().size() == 4);
}

TEST_CASE("receive handler: gzip bodies are kept decompressed, over HTTP and gRPC", "[receive]") {
  Fixture f;
  CHECK(f.post(io::gzip_compress(request_pb(2)), "application/x-protobuf", "gzip").status == 200);
  CHECK(f.post(io::gzip_compress(request_json()), "application/json", "GZIP").status == 200);
  const GrpcResponse g = f.call(grpc_frame(io::gzip_compress(request_pb(1, 9)), true), "gzip");
  CHECK(g.status == GrpcStatus::ok);
  CHECK(f.handler->counters().bytes ==
        request_pb(2).size() + request_json().size() + request_pb(1, 9).size());
  CHECK(f.events().size() == 5);
}

TEST_CASE("receive handler: refusals get the OTLP/HTTP status codes", "[receive]") {
  Fixture f;
  HttpRequest r;
  r.method = "POST";
  r.path = "/v1/metrics";
  r.content_type = "application/x-protobuf";
  CHECK(f.handler->http(r).status == 404);
  r.path = kHttpPath;
  r.method = "GET";
  const HttpResponse get = f.handler->http(r);
  CHECK(get.status == 405);
  CHECK(header(get, "Allow") == "POST");
  CHECK(f.post(request_pb(1), "text/plain").status == 415);
  CHECK(f.post(request_pb(1), "application/x-protobuf", "br").status == 415);
  const HttpResponse bad = f.post("\x0a\xff\xff\xff\x0f");
  CHECK(bad.status == 400);
  CHECK_FALSE(bad.body.empty());  // a google.rpc.Status
  const HttpResponse bad_json = f.post("{\"resourceSpans\":[", "application/json");
  CHECK(bad_json.status == 400);
  CHECK_THAT(bad_json.body, Catch::StartsWith("{\"code\":3,\"message\":"));
  CHECK(f.post("\x1f\x8b not gzip", "application/x-protobuf", "gzip").status == 400);
  // Logs are no traces: refused, not kept.
  CHECK(f.post(pb::len(1, pb::len(2, pb::len(2, pb::fixed64(1, T0) + pb::uint(2, 9))))).status ==
        400);
  HttpRequest overloaded = r;
  overloaded.method = "POST";
  overloaded.overloaded = true;
  const HttpResponse busy = f.handler->http(overloaded);
  CHECK(busy.status == 503);
  CHECK(header(busy, "Retry-After") == "1");
  const Counters c = f.handler->counters();
  CHECK(c.requests == 9);
  CHECK(c.accepted_requests == 0);
  CHECK(f.capture.records() == 0);
}

TEST_CASE("receive handler: oversized bodies and gzip bombs are 413", "[receive]") {
  Fixture f;
  ServerOptions o;
  o.limits.max_request_bytes = 20000;
  o.limits.read.max_decompressed_bytes = 100000;
  f.reset(o);
  CHECK(f.post(std::string(20001, 'x')).status == 413);
  HttpRequest announced;
  announced.method = "POST";
  announced.path = kHttpPath;
  announced.content_type = "application/x-protobuf";
  announced.over_limit = true;  // the connection saw a Content-Length over the limit
  CHECK(f.handler->http(announced).status == 413);
  const std::string bomb = io::gzip_compress(std::string(10u << 20, '\0'), 9);
  REQUIRE(bomb.size() < 20000);
  CHECK(f.post(bomb, "application/x-protobuf", "gzip").status == 413);
  CHECK(f.call(grpc_frame(bomb, true), "gzip").status == GrpcStatus::resource_exhausted);
  CHECK(f.call(grpc_frame(std::string(20001, 'x'))).status == GrpcStatus::resource_exhausted);
  CHECK(f.capture.records() == 0);
}

TEST_CASE("receive handler: the bearer token is required when set", "[receive]") {
  Fixture f;
  ServerOptions o;
  o.token = "s3cret";
  f.reset(o);
  const HttpResponse none = f.post(request_pb(1));
  CHECK(none.status == 401);
  CHECK(header(none, "WWW-Authenticate") == "Bearer");
  CHECK(f.post(request_pb(1), "application/x-protobuf", "", "Bearer s3cres").status == 401);
  CHECK(f.post(request_pb(1), "application/x-protobuf", "", "Bearer s3cret!").status == 401);
  CHECK(f.post(request_pb(1), "application/x-protobuf", "", "Bearer s3cret").status == 200);
  CHECK(f.call(grpc_frame(request_pb(1)), "", "Bearer nope").status == GrpcStatus::unauthenticated);
  CHECK(f.call(grpc_frame(request_pb(1)), "", "Bearer s3cret").status == GrpcStatus::ok);
  CHECK(f.capture.records() == 2);
}

TEST_CASE(
    "receive handler: a full capture refuses spans with partial_success and records the limit",
    "[receive]") {
  Fixture f;
  ServerOptions o;
  o.limits.max_spans = 3;
  f.reset(o);
  CHECK(f.post(request_pb(2)).status == 200);
  CHECK_FALSE(f.handler->counters().limit_reached);
  const HttpResponse pb_refused = f.post(request_pb(2, 5));
  CHECK(pb_refused.status == 200);
  // ExportTraceServiceResponse{partial_success{rejected_spans: 2, error_message: ...}}
  REQUIRE(pb_refused.body.size() > 4);
  CHECK(pb_refused.body[0] == '\x0a');
  CHECK(pb_refused.body.substr(2, 2) == std::string("\x08\x02", 2));
  CHECK_THAT(pb_refused.body, Catch::Contains("more than 3 spans"));
  const HttpResponse json_refused = f.post(request_json(), "application/json");
  CHECK_THAT(json_refused.body,
             Catch::StartsWith(R"({"partialSuccess":{"rejectedSpans":"2","errorMessage":")"));
  const GrpcResponse g = f.call(grpc_frame(request_pb(1, 20)));
  CHECK(g.status == GrpcStatus::ok);
  CHECK_THAT(g.message, Catch::Contains("more than 3 spans"));
  const Counters c = f.handler->counters();
  CHECK(c.limit_reached);
  CHECK_THAT(c.limit_message, Catch::Contains("more than 3 spans"));
  CHECK(c.spans == 2);
  CHECK(c.refused_spans == 5);
  CHECK(f.capture.records() == 1);

  Fixture bytes;
  ServerOptions b;
  b.limits.max_total_bytes = request_pb(2).size() + 1;
  bytes.reset(b);
  CHECK(bytes.post(request_pb(2)).body.empty());
  CHECK_FALSE(bytes.post(request_pb(1, 7)).body.empty());
  CHECK_THAT(bytes.handler->counters().limit_message, Catch::Contains("bytes"));
}

TEST_CASE("receive handler: gRPC statuses", "[receive]") {
  Fixture f;
  const GrpcResponse ok = f.call(grpc_frame(request_pb(2)));
  CHECK(ok.status == GrpcStatus::ok);
  CHECK(ok.http_status == 200);
  CHECK(ok.message == std::string(5, '\0'));  // an empty ExportTraceServiceResponse, framed
  CHECK(f.call(grpc_frame(request_pb(1)), "", "", "/other.Service/Export").status ==
        GrpcStatus::unimplemented);
  const GrpcResponse snappy = f.call(grpc_frame(request_pb(1)), "snappy");
  CHECK(snappy.status == GrpcStatus::unimplemented);
  REQUIRE(snappy.headers.size() == 1);
  CHECK(snappy.headers[0].name == "grpc-accept-encoding");
  CHECK(f.call("\x00\x00\x00").status == GrpcStatus::invalid_argument);  // short prefix
  CHECK(f.call(grpc_frame(request_pb(1)) + "x").status == GrpcStatus::invalid_argument);
  CHECK(f.call(grpc_frame(request_pb(1)) + grpc_frame(request_pb(1))).status ==
        GrpcStatus::invalid_argument);  // unary: one message
  CHECK(f.call(grpc_frame(request_pb(1), true)).status == GrpcStatus::invalid_argument);
  const GrpcResponse bad = f.call(grpc_frame("\x0a\xff\xff\xff\x0f"));
  CHECK(bad.status == GrpcStatus::invalid_argument);
  CHECK_FALSE(bad.status_message.empty());
  GrpcRequest r;
  r.method = "POST";
  r.path = kGrpcPath;
  r.content_type = "application/json";
  CHECK(f.handler->grpc(r).http_status == 415);
  r.content_type = "application/grpc";
  r.overloaded = true;
  CHECK(f.handler->grpc(r).status == GrpcStatus::unavailable);
  r.overloaded = false;
  r.method = "GET";
  CHECK(f.handler->grpc(r).http_status == 405);
  CHECK(f.capture.records() == 1);
  CHECK(grpc_percent_encode("a b%c\n\xc3\xa9") == "a b%25c%0A%C3%A9");
}

TEST_CASE("receive handler: requests refused by their headers are answered from them alone",
          "[receive]") {
  Fixture f;
  ServerOptions o;
  o.token = "t";
  f.reset(o);
  HttpRequest r;
  r.method = "POST";
  r.path = kHttpPath;
  r.content_type = "application/x-protobuf";
  const std::optional<HttpResponse> no_token = f.handler->http_headers(r);
  REQUIRE(no_token);
  CHECK(no_token->status == 401);
  r.authorization = "Bearer t";
  CHECK_FALSE(f.handler->http_headers(r));  // the body decides
  r.content_encoding = "zstd";
  CHECK(f.handler->http_headers(r)->status == 415);
  GrpcRequest g;
  g.method = "POST";
  g.path = kGrpcPath;
  g.content_type = "application/grpc";
  g.authorization = "Bearer t";
  CHECK_FALSE(f.handler->grpc_headers(g));
  g.congested = true;
  const std::optional<GrpcResponse> congested = f.handler->grpc_headers(g);
  REQUIRE(congested);
  CHECK(congested->status == GrpcStatus::unavailable);
  CHECK(f.handler->counters().requests == 3);  // the refusals only
}

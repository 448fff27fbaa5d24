#include "kvonce/receive/handler.hpp"

#include <memory>
#include <string>
#include <utility>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/otlp/reader.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::receive {
namespace {

using Kind = RequestHandler::Outcome::Kind;
using Encoding = RequestHandler::Encoding;

class CountingSink final : public EventSink {
 public:
  void on_event(const EventView&) override {}
};

// Protobuf wire pieces of the two messages answered: ExportTraceServiceResponse
// {ExportTracePartialSuccess partial_success = 1 {int64 rejected_spans = 1; string
// error_message = 2}} and google.rpc.Status {int32 code = 1; string message = 2}.
void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7f) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

void put_bytes(std::string& out, int field, std::string_view bytes) {
  put_varint(out, static_cast<std::uint64_t>(field) << 3 | 2);
  put_varint(out, bytes.size());
  out += bytes;
}

void put_int(std::string& out, int field, std::uint64_t v) {
  if (v == 0) return;  // proto3 leaves defaults out
  put_varint(out, static_cast<std::uint64_t>(field) << 3);
  put_varint(out, v);
}

std::string export_response(Encoding encoding, std::uint64_t rejected, std::string_view message) {
  const bool partial = rejected > 0 || !message.empty();
  if (encoding == Encoding::json) {
    if (!partial) return "{}";
    return R"({"partialSuccess":{"rejectedSpans":")" + std::to_string(rejected) +
           R"(","errorMessage":)" + json_quote(message) + "}}";
  }
  if (!partial) return {};
  std::string inner;
  put_int(inner, 1, rejected);
  if (!message.empty()) put_bytes(inner, 2, message);
  std::string out;
  put_bytes(out, 1, inner);
  return out;
}

std::string rpc_status(Encoding encoding, GrpcStatus code, std::string_view message) {
  if (encoding == Encoding::json) {
    return R"({"code":)" + std::to_string(static_cast<int>(code)) + R"(,"message":)" +
           json_quote(message) + "}";
  }
  std::string out;
  put_int(out, 1, static_cast<std::uint64_t>(code));
  put_bytes(out, 2, message);
  return out;
}

std::string_view media_type(std::string_view content_type) {
  return trim(content_type.substr(0, content_type.find(';')));
}

bool iequals(std::string_view a, std::string_view b) {
  return to_lower_ascii(a) == b;
}

std::string read_all(io::ByteSource& source) {
  std::string out;
  char buf[64 * 1024];
  while (const std::size_t n = source.read(buf, sizeof buf)) out.append(buf, n);
  return out;
}

std::string with_limits(const char* what, std::uint64_t limit) {
  return std::string(what) + " (" + std::to_string(limit) + " bytes)";
}

}  // namespace

std::string grpc_percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u <= 0x7e && u != '%') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

RequestHandler::RequestHandler(const ServerOptions& options, Capture& capture)
    : limits_(options.limits), capture_(capture) {
  if (options.token) expected_authorization_ = "Bearer " + *options.token;
}

bool RequestHandler::authorized(std::string_view authorization) const {
  if (!expected_authorization_) return true;
  return crypto::constant_time_equal(trim(authorization), *expected_authorization_);
}

RequestHandler::Outcome RequestHandler::accept(Encoding encoding, bool gzip,
                                               std::string_view body) {
  Outcome outcome;
  if (body.size() > limits_.max_request_bytes) {
    outcome.kind = Kind::too_large;
    outcome.message =
        with_limits("the request is larger than the largest accepted", limits_.max_request_bytes);
    return outcome;
  }
  {
    const std::lock_guard lock(mutex_);
    if (!counters_.failure.empty()) {
      outcome.kind = Kind::failed;
      outcome.message = counters_.failure;
      return outcome;
    }
  }
  std::string plain;
  ReadStats stats;
  try {
    if (gzip) {
      io::InputInfo info;
      auto source = io::make_gzip_source(io::from_memory(std::string(body), "request body"),
                                         limits_.read, info);
      plain = read_all(*source);
      body = plain;
    }
    CountingSink sink;
    otlp::Converter converter(sink, stats);
    auto source = io::from_memory(std::string(body), "request body");
    if (encoding == Encoding::protobuf) {
      converter.read_protobuf(*source, limits_.read);
    } else if (converter.read(*source, limits_.read) != otlp::Envelope::none) {
      fail(ErrorKind::input, "request body: not an ExportTraceServiceRequest");
    }
  } catch (const Error& e) {
    outcome.kind = e.kind() == ErrorKind::limit ? Kind::too_large : Kind::invalid;
    outcome.message = e.what();
    return outcome;
  }
  outcome.spans = stats.records;

  const std::lock_guard lock(mutex_);
  if (!counters_.limit_reached) {
    if (counters_.bytes + body.size() > limits_.max_total_bytes) {
      counters_.limit_reached = true;
      counters_.limit_message = "the received requests hold more than " +
                                std::to_string(limits_.max_total_bytes) + " bytes";
    } else if (counters_.spans + outcome.spans > limits_.max_spans) {
      counters_.limit_reached = true;
      counters_.limit_message =
          "the received requests hold more than " + std::to_string(limits_.max_spans) + " spans";
    }
  }
  if (counters_.limit_reached) {
    outcome.kind = Kind::refused_spans;
    outcome.message = "not kept: " + counters_.limit_message;
    counters_.refused_spans += outcome.spans;
    return outcome;
  }
  try {
    // An empty message is a request without spans; a record of it would add nothing.
    if (!body.empty()) capture_.append(body);
  } catch (const Error& e) {
    counters_.failure = e.what();
    outcome.kind = Kind::failed;
    outcome.message = e.what();
    return outcome;
  }
  ++counters_.accepted_requests;
  counters_.spans += outcome.spans;
  counters_.bytes += body.size();
  return outcome;
}

void RequestHandler::answered(const Outcome* outcome) {
  const std::lock_guard lock(mutex_);
  ++counters_.requests;
  counters_.last_request = std::chrono::steady_clock::now();
  if (outcome && (outcome->kind == Kind::invalid || outcome->kind == Kind::too_large)) {
    counters_.refused_spans += outcome->spans;
  }
}

namespace {

const char* content_type_of(Encoding encoding) {
  return encoding == Encoding::json ? "application/json" : "application/x-protobuf";
}

Encoding encoding_of(const HttpRequest& request) {
  return iequals(media_type(request.content_type), "application/json") ? Encoding::json
                                                                       : Encoding::protobuf;
}

HttpResponse refusal(Encoding encoding, int status, GrpcStatus code, std::string_view message,
                     std::vector<Header> headers = {}) {
  HttpResponse response;
  response.status = status;
  response.headers = std::move(headers);
  response.headers.push_back({"Content-Type", content_type_of(encoding)});
  response.body = rpc_status(encoding, code, message);
  return response;
}

}  // namespace

std::optional<HttpResponse> RequestHandler::http_refusal(const HttpRequest& request) const {
  const Encoding encoding = encoding_of(request);
  const std::string_view type = media_type(request.content_type);
  const std::string_view ce = trim(request.content_encoding);
  if (request.overloaded) {
    return refusal(encoding, 503, GrpcStatus::unavailable, "too many connections; retry later",
                   {{"Retry-After", "1"}});
  }
  if (request.path != kHttpPath) {
    return refusal(encoding, 404, GrpcStatus::unimplemented,
                   "no such path: only POST /v1/traces is served");
  }
  if (request.method != "POST") {
    return refusal(encoding, 405, GrpcStatus::unimplemented, "only POST is served",
                   {{"Allow", "POST"}});
  }
  if (!authorized(request.authorization)) {
    return refusal(encoding, 401, GrpcStatus::unauthenticated, "missing or wrong bearer token",
                   {{"WWW-Authenticate", "Bearer"}});
  }
  if (!iequals(type, "application/json") && !iequals(type, "application/x-protobuf")) {
    return refusal(encoding, 415, GrpcStatus::invalid_argument,
                   "unsupported Content-Type: application/x-protobuf or application/json expected");
  }
  if (!ce.empty() && !iequals(ce, "identity") && !iequals(ce, "gzip")) {
    return refusal(encoding, 415, GrpcStatus::invalid_argument,
                   "unsupported Content-Encoding: gzip expected");
  }
  return std::nullopt;
}

std::optional<HttpResponse> RequestHandler::http_headers(const HttpRequest& request) {
  std::optional<HttpResponse> response = http_refusal(request);
  if (response) answered(nullptr);
  return response;
}

HttpResponse RequestHandler::http(const HttpRequest& request) {
  if (std::optional<HttpResponse> refused = http_headers(request)) return *refused;
  const Encoding encoding = encoding_of(request);
  if (request.over_limit) {
    answered(nullptr);
    return refusal(
        encoding, 413, GrpcStatus::resource_exhausted,
        with_limits("the request is larger than the largest accepted", limits_.max_request_bytes));
  }
  const Outcome outcome =
      accept(encoding, iequals(trim(request.content_encoding), "gzip"), request.body);
  answered(&outcome);
  switch (outcome.kind) {
    case Kind::accepted:
    case Kind::refused_spans: {
      HttpResponse response;
      response.headers.push_back({"Content-Type", content_type_of(encoding)});
      response.body = outcome.kind == Kind::accepted
                          ? export_response(encoding, 0, {})
                          : export_response(encoding, outcome.spans, outcome.message);
      return response;
    }
    case Kind::invalid:
      return refusal(encoding, 400, GrpcStatus::invalid_argument, outcome.message);
    case Kind::too_large:
      return refusal(encoding, 413, GrpcStatus::resource_exhausted, outcome.message);
    case Kind::failed: break;
  }
  return refusal(encoding, 500, GrpcStatus::internal, outcome.message);
}

std::optional<GrpcResponse> RequestHandler::grpc_refusal(const GrpcRequest& request) const {
  GrpcResponse response;
  auto status = [&](GrpcStatus code, std::string message) {
    response.status = code;
    response.status_message = std::move(message);
    return response;
  };
  const std::string_view type = media_type(request.content_type);
  const std::string_view ge = trim(request.grpc_encoding);
  if (request.method != "POST") {
    response.http_status = 405;
    return response;
  }
  if (!(iequals(type, "application/grpc") || iequals(type, "application/grpc+proto"))) {
    response.http_status = 415;  // no gRPC call: answered as HTTP
    return response;
  }
  if (request.overloaded)
    return status(GrpcStatus::unavailable, "too many connections; retry later");
  if (request.congested) {
    return status(GrpcStatus::unavailable,
                  "too many bytes of unanswered requests on this connection; retry later");
  }
  if (request.path != kGrpcPath) {
    return status(GrpcStatus::unimplemented, "no such method: only " + std::string(kGrpcPath));
  }
  if (!authorized(request.authorization)) {
    return status(GrpcStatus::unauthenticated, "missing or wrong bearer token");
  }
  if (!ge.empty() && !iequals(ge, "identity") && !iequals(ge, "gzip")) {
    response.headers.push_back({"grpc-accept-encoding", "identity,gzip"});
    return status(GrpcStatus::unimplemented,
                  "unsupported grpc-encoding: gzip or identity expected");
  }
  return std::nullopt;
}

std::optional<GrpcResponse> RequestHandler::grpc_headers(const GrpcRequest& request) {
  std::optional<GrpcResponse> response = grpc_refusal(request);
  if (response) answered(nullptr);
  return response;
}

GrpcResponse RequestHandler::grpc(const GrpcRequest& request) {
  if (std::optional<GrpcResponse> refused = grpc_headers(request)) return *refused;
  GrpcResponse response;
  std::optional<Outcome> outcome;
  auto status = [&](GrpcStatus code, std::string message) {
    response.status = code;
    response.status_message = std::move(message);
  };
  const std::string_view ge = trim(request.grpc_encoding);
  const std::string_view body = request.body;
  if (request.over_limit || body.size() > limits_.max_request_bytes + 5) {
    status(
        GrpcStatus::resource_exhausted,
        with_limits("the request is larger than the largest accepted", limits_.max_request_bytes));
  } else {
    // A unary call: exactly one message, a 1-byte compressed flag and a 4-byte length first.
    const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(body[i]); };
    const std::uint64_t length =
        body.size() < 5 ? 0
                        : (std::uint64_t{byte(1)} << 24 | std::uint64_t{byte(2)} << 16 |
                           std::uint64_t{byte(3)} << 8 | byte(4));
    if (body.size() < 5 || byte(0) > 1 || length != body.size() - 5) {
      status(GrpcStatus::invalid_argument, "the request is not one length-prefixed gRPC message (" +
                                               std::to_string(body.size()) + " bytes)");
    } else if (byte(0) == 1 && !iequals(ge, "gzip")) {
      status(GrpcStatus::invalid_argument, "a compressed message without grpc-encoding gzip");
    } else {
      outcome = accept(Encoding::protobuf, byte(0) == 1, body.substr(5));
      switch (outcome->kind) {
        case Kind::accepted: break;
        case Kind::refused_spans:
          response.message = export_response(Encoding::protobuf, outcome->spans, outcome->message);
          break;
        case Kind::invalid: status(GrpcStatus::invalid_argument, outcome->message); break;
        case Kind::too_large: status(GrpcStatus::resource_exhausted, outcome->message); break;
        case Kind::failed: status(GrpcStatus::internal, outcome->message); break;
      }
      if (response.status == GrpcStatus::ok) {
        const std::string m = std::move(response.message);
        response.message = std::string(5, '\0') + m;
        const auto n = static_cast<std::uint32_t>(m.size());
        response.message[1] = static_cast<char>(n >> 24);
        response.message[2] = static_cast<char>(n >> 16);
        response.message[3] = static_cast<char>(n >> 8);
        response.message[4] = static_cast<char>(n);
      }
    }
  }
  answered(outcome ? &*outcome : nullptr);
  return response;
}

void RequestHandler::connection_opened() {
  const std::lock_guard lock(mutex_);
  ++counters_.open_connections;
}

void RequestHandler::connection_closed() {
  const std::lock_guard lock(mutex_);
  --counters_.open_connections;
}

void RequestHandler::busy_changed(int delta) {
  const std::lock_guard lock(mutex_);
  counters_.busy_connections += static_cast<std::size_t>(static_cast<std::ptrdiff_t>(delta));
}

Counters RequestHandler::counters() const {
  const std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace kvonce::receive

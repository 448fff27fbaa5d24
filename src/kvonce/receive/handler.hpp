// The listeners' requests, answered without sockets: a request's method, path, headers and body
// in, the status, headers and body of the answer out. The connections (http_connection.cpp,
// grpc_connection.cpp) only move bytes; every decision about a request is made here, so tests and
// fuzzers drive it directly.
//
// A body is decompressed (gzip, through io/) under the read limits, read with the OTLP readers the
// payload loader uses (JSON or protobuf) to count its spans and refuse what is malformed, and only
// then appended to the Capture. The answers are those of the OTLP specification; server.hpp holds
// the table of them.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/receive/capture.hpp"
#include "kvonce/receive/server.hpp"

namespace kvonce::receive {

inline constexpr std::string_view kHttpPath = "/v1/traces";
inline constexpr std::string_view kGrpcPath =
    "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

struct Header {
  std::string name, value;
};

struct HttpRequest {
  std::string_view method, path, content_type, content_encoding, authorization;
  std::string_view body;    // as received
  bool overloaded = false;  // the connection came over max_connections: refused, retryable
  bool over_limit = false;  // the body passed max_request_bytes and was not read (body empty)
};

struct HttpResponse {
  int status = 200;
  std::vector<Header> headers;  // Content-Type, Retry-After, ...
  std::string body;
};

struct GrpcRequest {
  std::string_view method, path, content_type, grpc_encoding, authorization;
  std::string_view body;  // the stream's DATA: 5-byte prefixed messages
  bool overloaded = false;
  bool over_limit = false;  // the DATA passed max_request_bytes and was dropped (body empty)
  // The connection holds more than max_request_bytes of unanswered requests: refused, retryable.
  bool congested = false;
};

// gRPC statuses the listeners answer with (grpc/doc/statuscodes.md).
enum class GrpcStatus : int {
  ok = 0,
  invalid_argument = 3,
  resource_exhausted = 8,
  internal = 13,
  unimplemented = 12,
  unavailable = 14,
  unauthenticated = 16,
};

struct GrpcResponse {
  int http_status = 200;        // 200 unless the request is no gRPC call at all (415, 405)
  std::vector<Header> headers;  // beside :status and content-type
  std::string message;          // the framed response message; empty: trailers only
  GrpcStatus status = GrpcStatus::ok;
  std::string status_message;  // grpc-message, not yet percent-encoded
};

// The percent-encoding of grpc-message (PROTOCOL-HTTP2.md): printable ASCII but '%' as is.
std::string grpc_percent_encode(std::string_view text);

class RequestHandler {
 public:
  RequestHandler(const ServerOptions& options, Capture& capture);

  // A whole request, body included.
  HttpResponse http(const HttpRequest& request);
  GrpcResponse grpc(const GrpcRequest& request);
  // The answer a request gets from its headers alone (another path or method, no token, an
  // unsupported type or encoding, an overloaded or congested connection), or nothing when its
  // body decides. The connections ask once the headers are in, so no body of a request refused
  // anyway is read or kept. A refusal counts as an answered request.
  std::optional<HttpResponse> http_headers(const HttpRequest& request);
  std::optional<GrpcResponse> grpc_headers(const GrpcRequest& request);

  // What the connections report, for Counters.
  void connection_opened();
  void connection_closed();
  void busy_changed(int delta);
  Counters counters() const;
  const Limits& limits() const { return limits_; }

  enum class Encoding { protobuf, json };
  // What became of a body.
  struct Outcome {
    enum class Kind { accepted, refused_spans, invalid, too_large, failed } kind = Kind::accepted;
    std::uint64_t spans = 0;  // in the body (refused_spans: all refused)
    std::string message;
  };
  // Decompresses (`gzip`), reads, counts and keeps one ExportTraceServiceRequest.
  Outcome accept(Encoding encoding, bool gzip, std::string_view body);

 private:
  bool authorized(std::string_view authorization) const;
  std::optional<HttpResponse> http_refusal(const HttpRequest& request) const;
  std::optional<GrpcResponse> grpc_refusal(const GrpcRequest& request) const;
  void answered(const Outcome* outcome);

  Limits limits_;
  std::optional<std::string> expected_authorization_;  // "Bearer <token>"
  Capture& capture_;
  mutable std::mutex mutex_;  // counters_: the loop thread writes, any thread reads
  Counters counters_;
};

}  // namespace kvonce::receive

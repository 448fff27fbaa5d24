// `kvonce-trace receive`'s listeners: OTLP/HTTP (POST /v1/traces, protobuf or JSON, gzip) and
// OTLP/gRPC (TraceService/Export, unary, h2c) on one event loop, run on its own thread; request
// bodies are decompressed and read on two worker threads, so the loop never waits on one. Every
// accepted request body (decompressed) is appended to a Capture as one Collector record, so the
// received payload is read later exactly as a Collector file is.
//
// Senders are untrusted: loopback unless the caller listens elsewhere, an optional bearer token
// compared in constant time, bounds on every size and count below; a refused request gets the
// status the OTLP specification names for it and never stops the server serving the others.
//
// The answers (OTLP/HTTP status; OTLP/gRPC status). Permanent ones tell an exporter not to send
// the request again, transient ones (marked *) to retry it later:
//   accepted                                    200, ExportTraceServiceResponse; OK
//   the capture is full (max_total_bytes,       200 with partial_success {rejected_spans: all of
//     max_spans): kept out, Counters::           the request's, error_message}; OK with the same.
//     limit_reached set (the verdict exits 5)   Resending would not help: the capture is over.
//   malformed body (protobuf, JSON, gzip,       400, google.rpc.Status; INVALID_ARGUMENT
//     gRPC framing), logs or metrics
//   body over max_request_bytes (Content-       413; RESOURCE_EXHAUSTED (no RetryInfo: not
//     Length checked before reading), or over    retried)
//     read.max_decompressed_bytes decompressed
//   another path                                404; UNIMPLEMENTED
//   another method                              405 with Allow: POST; HTTP 405
//   another Content-Type / Content-Encoding     415; HTTP 415 for a non-gRPC content-type,
//     / grpc-encoding                            UNIMPLEMENTED with grpc-accept-encoding
//   token missing or wrong                      401 with WWW-Authenticate; UNAUTHENTICATED
// * over max_connections, none idle to close    503 with Retry-After: 1; UNAVAILABLE
// * concurrent gRPC calls on one connection     -; UNAVAILABLE (a connection never holds more
//     together over max_request_bytes             than max_request_bytes of unanswered bodies)
//   the capture cannot be written               500; INTERNAL (Counters::failure set; the run
//                                                 has failed, so nothing is worth resending)
//   no HTTP/1.1 at all (a bad request line,     400, text/plain, the connection closed
//     header over 64 KiB)
//   a sender silent for idle_timeout            the connection is closed
// A request refused by its headers (path, method, token, type, encoding, overload) is answered
// before its body is read. Error bodies are a google.rpc.Status in the request's encoding
// (protobuf, or JSON for application/json), as the OTLP/HTTP specification asks.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/receive/capture.hpp"

namespace kvonce::receive {

// Where one listener binds. `enabled` false: the listener is off ("none"). Port 0 picks a free
// port (Server::http_port / grpc_port say which).
struct Listen {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool enabled = true;
};

// Request bodies are held whole until read: at most max_connections (twice that with the
// connections being refused) times max_request_bytes at once, and two decompressed bodies.
struct Limits {
  std::uint64_t max_request_bytes = 64ull
                                    << 20;     // a body as sent (HTTP 413, gRPC RESOURCE_EXHAUSTED)
  io::ReadLimits read;                         // decompressed size, spans, ...: as verify's
  std::uint64_t max_total_bytes = 1ull << 30;  // all records kept together
  std::uint64_t max_spans =
      std::numeric_limits<std::uint64_t>::max();  // in all records kept together
  // Open at once. One more closes the connection idle the longest (no request in it), so idle
  // senders never keep an honest one out; when every one is inside a request, the newcomer's
  // requests are answered 503 / UNAVAILABLE (up to as many again; beyond, it is closed at once).
  std::size_t max_connections = 1024;
  std::chrono::milliseconds idle_timeout{30000};  // a connection with no byte for this is closed
};

struct ServerOptions {
  Listen http{"127.0.0.1", 4318, true};
  Listen grpc{"127.0.0.1", 4317, true};
  std::optional<std::string> token;  // required as `Authorization: Bearer <token>` when set
  Limits limits;
};

// A consistent snapshot, for the caller's stop conditions (--idle, --max-spans, --drain).
struct Counters {
  std::uint64_t requests = 0;           // answered, accepted or not
  std::uint64_t accepted_requests = 0;  // kept in the capture
  std::uint64_t spans = 0;              // spans in the accepted requests
  std::uint64_t refused_spans = 0;      // spans in requests refused after reading
  std::uint64_t bytes = 0;              // decompressed bytes kept
  std::size_t open_connections = 0;
  std::size_t busy_connections = 0;  // inside a request (a byte of it read, not yet answered)
  std::chrono::steady_clock::time_point last_request{};  // steady clock; epoch: none yet
  // The capture reached max_total_bytes or max_spans: requests after it were refused, so the
  // capture is incomplete and the verdict on it exits 5 (limit), as verify's limits do.
  bool limit_reached = false;
  std::string limit_message;  // which limit, with its value ("... more than 1000 spans")
  // The capture could not be written (Error(output) from Capture::append): its message; the
  // verdict exits 6 (output). Every request after it is answered 500 / INTERNAL.
  std::string failure;
};

class Server {
 public:
  // Binds both listeners; Error(usage) naming the address when one cannot be bound.
  Server(const ServerOptions& options, Capture& capture);
  ~Server();  // stop()s
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  std::uint16_t http_port() const;  // 0 when off
  std::uint16_t grpc_port() const;  // 0 when off
  void start();                     // serves on a thread of its own
  Counters counters() const;        // thread-safe
  // Stops accepting and serving, closes every connection, joins the thread. Requests being read
  // are dropped (their senders see the connection close); the capture keeps what was accepted.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kvonce::receive

// `kvonce-trace receive`'s listeners: OTLP/HTTP (POST /v1/traces, protobuf or JSON, gzip) and
// OTLP/gRPC (TraceService/Export, unary, h2c) on one event loop, run on its own thread. Every
// accepted request body (decompressed) is appended to a Capture as one Collector record, so the
// received payload is read later exactly as a Collector file is.
//
// Senders are untrusted: loopback unless the caller listens elsewhere, an optional bearer token
// compared in constant time, bounds on every size and count below; a refused request gets the
// status the OTLP specification names for it and never stops the server serving the others.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "kvonce/io/compression.hpp"
#include "kvonce/receive/capture.hpp"

namespace kvonce::receive {

// Where one listener binds. `enabled` false: the listener is off ("none"). Port 0 picks a free
// port (Server::http_port / grpc_port say which).
struct Listen {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool enabled = true;
};

struct Limits {
  std::uint64_t max_request_bytes = 64ull << 20;  // a body as sent (HTTP 413, gRPC RESOURCE_EXHAUSTED)
  io::ReadLimits read;                            // decompressed size, spans, ...: as verify's
  std::uint64_t max_total_bytes = 1ull << 30;     // all records kept together
  std::size_t max_connections = 1024;             // open at once; more wait in the backlog
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

// The environment `receive` gives its command so that the command's OpenTelemetry SDK exports
// its traces to the listeners, as the SDK environment specification names the variables:
//   OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL, picks the listener
//   (grpc: the gRPC one, http://HOST:PORT; http/protobuf, http/json or unset: the HTTP one,
//   http://HOST:PORT/v1/traces), set as OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (replacing one already
//   set: a note says so). OTEL_EXPORTER_OTLP_ENDPOINT is left alone, so logs and metrics still go
//   where they went. A token goes into OTEL_EXPORTER_OTLP_TRACES_HEADERS as
//   `Authorization=Bearer%20<token>` (the W3C Baggage form the variable takes), replacing only an
//   Authorization header already there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/util/environment.hpp"

namespace kvonce::receive {

// The listeners as bound: a port of 0 is a listener that is off.
struct BoundListeners {
  std::string http_host = "127.0.0.1";
  std::uint16_t http_port = 0;
  std::string grpc_host = "127.0.0.1";
  std::uint16_t grpc_port = 0;
};

struct CommandEnvironment {
  std::string protocol;  // grpc, http/protobuf or http/json (unset reads as http/protobuf)
  std::string endpoint;  // the value of OTEL_EXPORTER_OTLP_TRACES_ENDPOINT
  // The variables to set in the command's environment, in this order (the rest is inherited).
  std::vector<std::pair<std::string, std::string>> variables;
  std::vector<std::string> notes;  // for stderr: what was replaced
};

// Error(usage) when the protocol asked for is none of the three, or its listener is off.
CommandEnvironment command_environment(const Environment& env, const BoundListeners& listeners,
                                       const std::optional<std::string>& token);

// How a client reaches a listener bound to `host`: a wildcard address is reached on loopback,
// an IPv6 address in brackets.
std::string reachable_host(const std::string& host);

}  // namespace kvonce::receive

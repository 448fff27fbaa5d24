#include "kvonce/receive/otel_env.hpp"

#include <cctype>

#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::receive {
namespace {

constexpr const char* kEndpoint = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
constexpr const char* kHeaders = "OTEL_EXPORTER_OTLP_TRACES_HEADERS";

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") + 1 - first);
}

// The header value percent-encoded as the W3C Baggage form of the *_HEADERS variables wants it:
// everything but unreserved characters, so a token's '=' or ',' cannot end the entry.
std::string percent_encoded(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// The headers already asked for, without an Authorization entry, then the token's.
std::string headers_with_token(const std::optional<std::string>& existing,
                               const std::string& token) {
  std::string out;
  std::size_t start = 0;
  const std::string text = existing.value_or("");
  while (start <= text.size() && !text.empty()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    const std::string entry = text.substr(start, end - start);
    const std::string key = lower(trimmed(entry.substr(0, entry.find('='))));
    if (!trimmed(entry).empty() && key != "authorization") out += entry + ",";
    start = end + 1;
  }
  return out + "Authorization=" + percent_encoded("Bearer " + token);
}

}  // namespace

std::string reachable_host(const std::string& host) {
  if (host.empty() || host == "0.0.0.0") return "127.0.0.1";
  if (host == "::" || host == "[::]") return "[::1]";
  if (host.find(':') != std::string::npos && host.front() != '[') return "[" + host + "]";
  return host;
}

CommandEnvironment command_environment(const Environment& env, const BoundListeners& listeners,
                                       const std::optional<std::string>& token) {
  CommandEnvironment out;
  const char* asked_by = "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL";
  std::optional<std::string> protocol = env(asked_by);
  if (!protocol) {
    asked_by = "OTEL_EXPORTER_OTLP_PROTOCOL";
    protocol = env(asked_by);
  }
  out.protocol = protocol ? lower(trimmed(*protocol)) : "http/protobuf";
  if (out.protocol == "grpc") {
    if (listeners.grpc_port == 0) {
      fail(ErrorKind::usage,
           std::string(asked_by) + "=grpc, but the gRPC listener is off (--grpc-listen none)");
    }
    out.endpoint =
        "http://" + reachable_host(listeners.grpc_host) + ":" + std::to_string(listeners.grpc_port);
  } else if (out.protocol == "http/protobuf" || out.protocol == "http/json") {
    if (listeners.http_port == 0) {
      fail(ErrorKind::usage, (protocol ? std::string(asked_by) + "=" + out.protocol
                                       : std::string("OTLP/HTTP (no protocol variable set)")) +
                                 ", but the HTTP listener is off (--listen none)");
    }
    out.endpoint = "http://" + reachable_host(listeners.http_host) + ":" +
                   std::to_string(listeners.http_port) + "/v1/traces";
  } else {
    fail(ErrorKind::usage, std::string(asked_by) + "=" + console_escape(*protocol) +
                               ": expected grpc, http/protobuf or http/json");
  }
  if (const auto before = env(kEndpoint); before && *before != out.endpoint) {
    out.notes.push_back(std::string(kEndpoint) + " was " + console_escape(*before) +
                        "; the command exports its traces to " + out.endpoint + " instead");
  }
  out.variables.emplace_back(kEndpoint, out.endpoint);
  if (token) out.variables.emplace_back(kHeaders, headers_with_token(env(kHeaders), *token));
  return out;
}

}  // namespace kvonce::receive

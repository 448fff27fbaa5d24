// HTTP(S) requests: the one seam between the core and the network.
//
// The fetch sources (URL, GitHub API, S3, GCS, STS, OAuth token endpoints) and the report's
// GitHub API calls all go through HttpTransport. make_curl_transport() is the real one (the only
// code that includes <curl/curl.h>); tests may substitute their own.
//
// A transport performs exactly one request (following redirects when asked); retries, backoff,
// size limits, hashing and URL policy are the caller's business.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kvonce::net {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  Headers headers;  // sent as given; never logged (they carry credentials)
  std::string body;
  long connect_timeout_ms = 10'000;
  long timeout_ms = 60'000;        // whole request; 0 = none
  long stall_timeout_ms = 30'000;  // abort when no byte arrives for this long; 0 = none
  bool follow_redirects = false;
  long max_redirects = 5;
  bool allow_plain_http = false;   // otherwise https only, redirects included
  // "host:port:address" entries, as curl's --resolve (tests: virtual-hosted S3 on 127.0.0.1).
  std::vector<std::string> resolve;
};

struct HttpResponse {
  long status = 0;
  Headers headers;             // of the final response; names lower-cased
  std::string effective_url;   // after redirects
  std::string body;            // when no body sink was given
  std::uint64_t body_bytes = 0;
  std::optional<std::string> header(std::string_view lower_name) const;
};

// Receives the body as it arrives. Returning false aborts the transfer (for example over a size
// limit); perform() then throws the error the sink recorded, or Error(fetch).
using BodySink = std::function<bool(std::string_view chunk)>;

enum class TransportFailure { connect, timeout, reset, tls, redirect, aborted, other };

// Thrown for transport-level failures (no HTTP status): `retryable` says whether a retry may help.
class TransportError : public std::runtime_error {
 public:
  TransportError(TransportFailure failure, bool retryable, const std::string& message)
      : std::runtime_error(message), failure_(failure), retryable_(retryable) {}
  TransportFailure failure() const { return failure_; }
  bool retryable() const { return retryable_; }

 private:
  TransportFailure failure_;
  bool retryable_;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Performs one request. HTTP error statuses are returned, not thrown; transport failures throw
  // TransportError. When `sink` is set the body goes to it, else into HttpResponse::body.
  virtual HttpResponse perform(const HttpRequest& request, const BodySink& sink = {}) = 0;
};

std::unique_ptr<HttpTransport> make_curl_transport();

}  // namespace kvonce::net

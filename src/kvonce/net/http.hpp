// HTTP(S) requests: the one seam between the core and the network.
//
// The fetch sources (URL, GitHub API, S3, GCS, STS, OAuth token endpoints) and the report's
// GitHub API calls all go through HttpTransport. make_curl_transport() is the real one (the only
// code that includes <curl/curl.h>); tests may substitute their own.
//
// A transport performs exactly one request (following redirects when asked); retries, backoff,
// size limits and hashing are the caller's business. The curl transport checks every URL it
// contacts, the first and each redirect target, against its OutboundPolicy (url.hpp), and drops
// credential headers (Authorization, Cookie, X-Amz-Security-Token) when a redirect leaves the
// origin, so a token given to an API never reaches the storage host it redirects to.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kvonce/net/url.hpp"

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
  // Plain http:// also beyond loopback hosts for this request (the transport's policy may allow
  // it too); otherwise https only, except loopback hosts, redirects included.
  bool allow_plain_http = false;
  // "host:port:address" entries, as curl's --resolve (tests: virtual-hosted S3 on 127.0.0.1).
  std::vector<std::string> resolve;
};

struct HttpResponse {
  long status = 0;
  Headers headers;            // of the final response; names lower-cased
  std::string effective_url;  // after redirects
  std::string body;           // when no body sink was given
  std::uint64_t body_bytes = 0;
  std::optional<std::string> header(std::string_view lower_name) const;
};

// Receives the body as it arrives. Returning false aborts the transfer (for example over a size
// limit); perform() then throws the error the sink recorded, or Error(fetch). An exception thrown
// by the sink is carried across the transfer and rethrown by perform(). Only the body of a 2xx
// response goes to the sink: an error document (4xx/5xx) is kept in HttpResponse::body instead
// (its first 64 KiB), so it never lands in a payload file and its error code can be read.
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

// The libcurl transport. Without a policy: https only except loopback hosts, any host.
// A URL outside the policy throws Error(usage) for the first request and
// TransportError(redirect) for a redirect target. One transport serves one request at a time
// (calls are serialised); it keeps connections alive between requests.
std::unique_ptr<HttpTransport> make_curl_transport();
std::unique_ptr<HttpTransport> make_curl_transport(const OutboundPolicy& policy);

// The version of the libcurl the process runs with, e.g. "7.88.1".
std::string libcurl_runtime_version();

}  // namespace kvonce::net

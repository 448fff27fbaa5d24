// One retry loop for every HTTP call of the tool: downloads, API listings, token exchanges.
//
// perform_with_retries() repeats a request while its outcome is transient: retryable transport
// failures (connect, timeout, reset), 5xx (except 501/505), 429, 403 that says it is a rate limit
// (Retry-After or x-ratelimit-remaining: 0, as GitHub answers) and S3's SlowDown. The wait grows
// exponentially from initial_backoff_ms with jitter, capped at max_backoff_ms; a Retry-After
// header (seconds or HTTP date) is honoured, and when it asks for longer than max_backoff_ms the
// loop stops and hands the response back rather than wait for it. Authentication failures
// (401, 403 without rate-limit signs) are never retried: another attempt cannot fix them.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "kvonce/net/http.hpp"
#include "kvonce/transfer/service_error.hpp"
#include "kvonce/util/clock.hpp"

namespace kvonce::transfer {

struct RetryPolicy {
  int retries = 3;  // extra attempts after the first
  long initial_backoff_ms = 500;
  long max_backoff_ms = 30'000;
  // Waits between attempts; empty = std::this_thread::sleep_for. Tests inject a recorder.
  std::function<void(std::chrono::milliseconds)> sleep;
  // Receives one line per retry ("...: HTTP 503, retrying in 1.2 s (attempt 2 of 4)"); the line
  // carries the label and status only, never a header or body. Empty = silent.
  std::function<void(const std::string&)> log;
  // The wall clock an HTTP-date Retry-After is measured against; empty = the system's.
  Clock clock;
};

// Performs make_request() (called once per attempt, so signatures and tokens are fresh) until the
// response is final, and returns the last response: the caller judges its status. `attempts`
// receives the number of attempts made, also when an exception leaves. A transport failure that
// is not retryable, or still failing after the last attempt, throws Error(fetch) naming `label`
// (which must already be redacted). Exceptions thrown by `sink` (for example a size limit) pass
// through unchanged and end the loop. Without a sink, bodies are kept in memory.
net::HttpResponse perform_with_retries(net::HttpTransport& transport,
                                       const std::function<net::HttpRequest()>& make_request,
                                       const RetryPolicy& policy, const std::string& label,
                                       int* attempts = nullptr, const net::BodySink& sink = {});

// True when `response` is worth another attempt (see the file comment).
bool is_retryable_response(const net::HttpResponse& response);

// The delay a Retry-After header asks for: delta-seconds or an HTTP date; nullopt when absent or
// unparseable. An HTTP date is measured from `now`.
std::optional<std::chrono::milliseconds> retry_after(const net::HttpResponse& response,
                                                     std::chrono::system_clock::time_point now);

// Turns a final non-2xx response into kvonce::Error: "<label>: HTTP <status> <code> (<message>);
// <hint>". Kind: auth for 401/403 and credential codes (ExpiredToken, SignatureDoesNotMatch,
// InvalidAccessKeyId, AccessDenied, invalid_grant, ...), fetch otherwise. `hint` replaces the
// generic hint when given (for example a source-specific permission to check). An HTTP-date
// Retry-After is told as a wait from `now`.
[[noreturn]] void throw_http_error(const net::HttpResponse& response, const std::string& label,
                                   std::chrono::system_clock::time_point now,
                                   const std::string& hint = {});

}  // namespace kvonce::transfer

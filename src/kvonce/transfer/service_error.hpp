// What a service says went wrong: the error code in an HTTP error body, the exit-code kind it
// maps to, and a hint on what to check.
#pragma once

#include <string>

#include "kvonce/net/http.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::transfer {

// The service's error code and message from an error body: S3/STS XML (<Code>, <Message>),
// GCS JSON (error.status or error.errors[0].reason, error.message), OAuth JSON (error,
// error_description) and GitHub JSON (message). Empty strings when none is found. The message is
// cut to 300 characters; nothing else of the body (S3 echoes the string to sign) is kept.
struct ServiceError {
  std::string code;
  std::string message;
};
ServiceError parse_service_error(const net::HttpResponse& response);

// auth for 401, 403 (unless rate-limited) and credential codes whatever the status
// (ExpiredToken, SignatureDoesNotMatch, InvalidAccessKeyId, AccessDenied, invalid_grant, ...);
// fetch otherwise.
ErrorKind error_kind_for(const net::HttpResponse& response, const std::string& code);

// 429, or 403 with Retry-After or x-ratelimit-remaining: 0 (GitHub's rate limits).
bool is_rate_limited(const net::HttpResponse& response);

// A short advice for the code or status ("" when there is nothing useful to say).
std::string hint_for(const net::HttpResponse& response, const ServiceError& error);

}  // namespace kvonce::transfer

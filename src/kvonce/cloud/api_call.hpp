// Small API calls of the cloud sources (listings, STS, OAuth token endpoints, the Actions OIDC
// endpoint): request defaults from the download policy, retries, a bounded in-memory body.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "kvonce/net/http.hpp"
#include "kvonce/transfer/download.hpp"

namespace kvonce::cloud {

// What every request of one fetch shares.
struct ApiContext {
  net::HttpTransport& transport;
  transfer::DownloadPolicy policy;   // timeouts, retries, backoff, allow_plain_http
  std::vector<std::string> resolve;  // "host:port:address" overrides
};

// Responses of API calls larger than this are refused (Error(limit)): listings and tokens are
// far smaller, so anything bigger is not the service we think we are talking to.
inline constexpr std::size_t kMaxApiResponseBytes = 16u << 20;

// A request with the context's timeouts, resolve overrides and plain-HTTP permission.
net::HttpRequest api_request(const ApiContext& context, std::string method, std::string url);

// Performs make_request() with the retry loop of the downloads (5xx, 429, SlowDown, transport
// failures) and returns the final response, body included, whatever its status. `label` must be
// redacted already.
net::HttpResponse call_api(const ApiContext& context,
                           const std::function<net::HttpRequest()>& make_request,
                           const std::string& label);

// application/x-www-form-urlencoded body (RFC 3986 unreserved kept, everything else %XX).
std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields);

// A service message cut to a length fit for one error line.
std::string short_message(std::string text);

}  // namespace kvonce::cloud

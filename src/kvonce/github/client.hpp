// The one GitHub REST API client: authenticated JSON calls with retries, and pagination through
// the Link header. Artifacts, comments and check runs are thin files on top of it.
//
// Every request carries `Authorization: Bearer <token>`, `Accept: application/vnd.github+json`,
// `X-GitHub-Api-Version: 2022-11-28` and a User-Agent (request() builds them, for calls and for
// downloads alike). Transient failures (5xx, 429, 403 rate limits with Retry-After) are retried
// by transfer::perform_with_retries; a final error status becomes Error(auth) for 401/403 and
// Error(fetch) otherwise, quoting the status and GitHub's message (never the request headers,
// so never the token). Pagination links are followed only on the API's own origin, so the token
// is never sent anywhere else.
//
// identity() says who the token writes as, so the report updates only what that identity wrote:
// the app named by Api::app_slug ("<slug>[bot]"), else GraphQL's `query { viewer { login } }`
// (POST /graphql), which answers for a user's token, GITHUB_TOKEN and a GitHub App's
// installation token alike (GET /user refuses installation tokens with 403, and GET /app wants
// the app's JWT). When GraphQL refuses or names no login the identity is unknown, and the report
// creates a new comment or Check Run rather than touch one of unknown authorship.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kvonce/net/http.hpp"
#include "kvonce/transfer/retry.hpp"

namespace kvonce::github {

inline constexpr const char* kApiVersion = "2022-11-28";
inline constexpr std::size_t kMaxResponseBytes = 16u << 20;
inline constexpr int kMaxPages = 1000;

struct Api {
  std::string base_url = "https://api.github.com";  // a trailing slash is dropped
  std::string token;
  std::string repository;  // "owner/name"
  // The GitHub App the token belongs to ("my-app"; "github-actions" for GITHUB_TOKEN): what it
  // writes is by "<slug>[bot]". Empty: asked of GraphQL.
  std::optional<std::string> app_slug = {};
};

// The GraphQL endpoint beside a REST base URL: https://api.github.com/graphql, and
// https://HOST/api/graphql for GitHub Enterprise Server's https://HOST/api/v3.
std::string graphql_url(const std::string& base_url);

// The transfer settings of every request the client makes.
struct Limits {
  long timeout_ms = 60'000;
  long connect_timeout_ms = 10'000;
  bool allow_plain_http = false;  // http:// beyond loopback hosts
};

// The author GitHub records for what a token writes.
struct TokenIdentity {
  std::string login;                    // "octocat", "github-actions[bot]"
  std::optional<std::string> app_slug;  // the GitHub App of a bot login: "github-actions"
};

// A login as GitHub shows it for this identity; a "<slug>[bot]" login names an app.
TokenIdentity identity_of_login(const std::string& login);

struct Reply {
  long status = 0;
  nlohmann::json body;              // null when the body is empty
  std::optional<std::string> next;  // the Link header's rel="next" URL
};

// The advice added to the error of a refused call: 401, 403 or 404 that is not a rate limit (a
// rate limit or an outage has its own). One text for every such status, or one per status.
class AccessHint {
 public:
  AccessHint() = default;
  AccessHint(std::string text);
  AccessHint(const char* text) : AccessHint(std::string(text)) {}
  explicit AccessHint(std::function<std::string(long status)> by_status);

  std::string for_status(long status) const;

 private:
  std::function<std::string(long)> by_status_;
};

class Client {
 public:
  Client(net::HttpTransport& transport, Api api, transfer::RetryPolicy retry, Limits limits = {});

  // The request for `target` with the API's headers and the client's limits. `target` is a path
  // below the base URL ("/repos/o/r/...", query allowed) or an absolute URL on the base URL's
  // origin (a pagination link); anything else is refused. `body` is JSON text or empty.
  net::HttpRequest request(std::string_view method, const std::string& target,
                           const std::string& body = {}) const;

  // One call: the reply of a 2xx status, else an error with `hint` for a refusal.
  Reply call(std::string_view method, const std::string& target, const std::string& body = {},
             const AccessHint& hint = {});

  // GETs `path` and each following page, handing every page's JSON to `visit` until it returns
  // false or no rel="next" link remains. More than kMaxPages pages is an error.
  void each_page(const std::string& path, const std::function<bool(const nlohmann::json&)>& visit,
                 const AccessHint& hint = {});

  // Who the token writes as (looked up once, then remembered); nullopt when unknown. A token
  // GraphQL rejects as invalid (401) is Error(auth).
  const std::optional<TokenIdentity>& identity();

  const Api& api() const { return api_; }
  const transfer::RetryPolicy& retry() const { return retry_; }

 private:
  std::string absolute_url(const std::string& target) const;
  // One call with retries: the final response (its body in `received`), whatever its status.
  net::HttpResponse exchange(std::string_view method, const std::string& target,
                             const std::string& body, std::string& received);
  [[noreturn]] void throw_status(const net::HttpResponse& response, const std::string& target,
                                 std::string_view method, const AccessHint& hint) const;

  net::HttpTransport& transport_;
  Api api_;
  transfer::RetryPolicy retry_;
  Limits limits_;
  std::optional<TokenIdentity> viewer();  // GraphQL's viewer login; nullopt when it names none

  std::optional<std::optional<TokenIdentity>> identity_;  // outer: looked up yet
};

// "GitHub API <METHOD> <url without secrets>": how messages name a call.
std::string call_label(std::string_view method, const std::string& url);

}  // namespace kvonce::github

// A small GitHub REST API client for the report: authenticated JSON calls with retries, and
// pagination through the Link header.
//
// Every request carries `Authorization: Bearer <token>`, `Accept: application/vnd.github+json`,
// `X-GitHub-Api-Version: 2022-11-28` and a User-Agent. Transient failures (5xx, 429, 403 rate
// limits with Retry-After) are retried by fetch::perform_with_retries; a final error status
// becomes Error(auth) for 401/403 and Error(fetch) otherwise, quoting the status and GitHub's
// message (never the request headers, so never the token). Pagination links are followed only
// on the API's own origin, so the token is never sent anywhere else.
//
// identity() says who the token writes as, so the report updates only what that identity wrote:
// GET /user for a user's token; an installation token (GITHUB_TOKEN, a GitHub App's) is refused
// there with 403 "Resource not accessible by integration" and is taken as GitHub Actions' own.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kvonce/fetch/retry.hpp"
#include "kvonce/net/http.hpp"

namespace kvonce::report {

inline constexpr const char* kGitHubApiVersion = "2022-11-28";
inline constexpr std::size_t kMaxGitHubResponseBytes = 16u << 20;
inline constexpr int kMaxPages = 1000;

struct GitHubApi {
  std::string base_url = "https://api.github.com";  // without a trailing slash
  std::string token;
  std::string repository;  // "owner/name"
};

// The author GitHub records for what a token writes.
struct TokenIdentity {
  std::string login;                    // "octocat", "github-actions[bot]"
  std::optional<std::string> app_slug;  // the GitHub App of a bot login: "github-actions"
};

inline constexpr const char* kActionsBotLogin = "github-actions[bot]";

// A login as GitHub shows it for this identity; a "<slug>[bot]" login names an app.
TokenIdentity identity_of_login(const std::string& login);

struct GitHubReply {
  long status = 0;
  nlohmann::json body;              // null when the body is empty
  std::optional<std::string> next;  // the Link header's rel="next" URL
};

class GitHubClient {
 public:
  GitHubClient(net::HttpTransport& transport, GitHubApi api, fetch::RetryPolicy retry);

  // One call. `target` is a path below the base URL ("/repos/o/r/...", query allowed) or an
  // absolute URL on the base URL's origin (a pagination link); `body` is JSON text or empty.
  // `hint` replaces the generic advice in the error of a final non-2xx status.
  GitHubReply call(std::string_view method, const std::string& target, const std::string& body = {},
                   const std::string& hint = {});

  // GETs `path` and each following page, handing every page's JSON to `visit` until it returns
  // false or no rel="next" link remains. At most kMaxPages pages.
  void each_page(const std::string& path, const std::function<bool(const nlohmann::json&)>& visit,
                 const std::string& hint = {});

  // Who the token writes as (looked up once, then remembered).
  const TokenIdentity& identity();

  const GitHubApi& api() const { return api_; }

 private:
  std::string absolute_url(const std::string& target) const;
  std::string label(std::string_view method, const std::string& url) const;
  // One call with retries: the final response (its body in `received`), whatever its status.
  net::HttpResponse exchange(std::string_view method, const std::string& url,
                             const std::string& body, std::string& received);
  [[noreturn]] void throw_status(const net::HttpResponse& response, const std::string& url,
                                 std::string_view method, const std::string& hint) const;

  net::HttpTransport& transport_;
  GitHubApi api_;
  fetch::RetryPolicy retry_;
  std::optional<TokenIdentity> identity_;
};

// The rel="next" URL of a Link header (`<url>; rel="next", <url>; rel="last"`), if any.
std::optional<std::string> next_link(std::string_view link_header);

}  // namespace kvonce::report

// GitHub REST calls: request headers, the shared retry loop, error translation, Link pagination.
#include "kvonce/github/client.hpp"

#include "kvonce/github/link.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/transfer/service_error.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::github {
namespace {

std::string origin_of(const std::string& url) {
  const auto parsed = net::parse_url(url);
  return parsed ? parsed->origin() : std::string();
}

bool is_refusal(const net::HttpResponse& response) {
  const long s = response.status;
  return (s == 401 || s == 403 || s == 404) && !transfer::is_rate_limited(response);
}

}  // namespace

TokenIdentity identity_of_login(const std::string& login) {
  constexpr std::string_view kBotSuffix = "[bot]";
  TokenIdentity id{login, std::nullopt};
  if (login.size() > kBotSuffix.size() && login.ends_with(kBotSuffix)) {
    id.app_slug = login.substr(0, login.size() - kBotSuffix.size());
  }
  return id;
}

AccessHint::AccessHint(std::string text)
    : by_status_([text = std::move(text)](long) { return text; }) {}

AccessHint::AccessHint(std::function<std::string(long)> by_status)
    : by_status_(std::move(by_status)) {}

std::string AccessHint::for_status(long status) const {
  return by_status_ ? by_status_(status) : std::string();
}

std::string call_label(std::string_view method, const std::string& url) {
  return "GitHub API " + std::string(method) + " " + net::redact_url(url);
}

Client::Client(net::HttpTransport& transport, Api api, transfer::RetryPolicy retry, Limits limits)
    : transport_(transport), api_(std::move(api)), retry_(std::move(retry)), limits_(limits) {
  while (!api_.base_url.empty() && api_.base_url.back() == '/') api_.base_url.pop_back();
}

std::string Client::absolute_url(const std::string& target) const {
  if (!target.empty() && target.front() == '/') return api_.base_url + target;
  // A pagination link: it must stay on the API's origin, or the token would follow it elsewhere.
  if (origin_of(target).empty() || origin_of(target) != origin_of(api_.base_url)) {
    fail(ErrorKind::fetch,
         "GitHub API: refusing to follow a link to another host: " + net::redact_url(target));
  }
  return target;
}

net::HttpRequest Client::request(std::string_view method, const std::string& target,
                                 const std::string& body) const {
  net::HttpRequest request;
  request.method = std::string(method);
  request.url = absolute_url(target);
  request.body = body;
  request.timeout_ms = limits_.timeout_ms;
  request.connect_timeout_ms = limits_.connect_timeout_ms;
  request.allow_plain_http = limits_.allow_plain_http;
  request.headers = {{"Authorization", "Bearer " + api_.token},
                     {"Accept", "application/vnd.github+json"},
                     {"X-GitHub-Api-Version", kApiVersion},
                     {"User-Agent", std::string("kvonce-trace/") + KVONCE_VERSION}};
  if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
  return request;
}

net::HttpResponse Client::exchange(std::string_view method, const std::string& target,
                                   const std::string& body, std::string& received) {
  const std::string what = call_label(method, absolute_url(target));
  const auto make_request = [&] {
    received.clear();  // each attempt starts the body afresh
    return request(method, target, body);
  };
  const net::BodySink sink = [&](std::string_view chunk) {
    if (received.size() + chunk.size() > kMaxResponseBytes) {
      fail(ErrorKind::limit,
           what + ": response larger than " + std::to_string(kMaxResponseBytes >> 20) + " MiB");
    }
    received.append(chunk);
    return true;
  };
  return transfer::perform_with_retries(transport_, make_request, retry_, what, nullptr, sink);
}

void Client::throw_status(const net::HttpResponse& response, const std::string& target,
                          std::string_view method, const AccessHint& hint) const {
  const std::string advice = is_refusal(response) ? hint.for_status(response.status) : "";
  transfer::throw_http_error(response, call_label(method, absolute_url(target)), now(retry_.clock),
                             advice);
}

Reply Client::call(std::string_view method, const std::string& target, const std::string& body,
                   const AccessHint& hint) {
  std::string received;
  const net::HttpResponse response = exchange(method, target, body, received);
  if (response.status < 200 || response.status > 299) throw_status(response, target, method, hint);

  Reply reply;
  reply.status = response.status;
  if (const auto link = response.header("link")) reply.next = next_link(*link);
  if (!trim(received).empty()) {
    reply.body = nlohmann::json::parse(received, nullptr, false);
    if (reply.body.is_discarded()) {
      fail(ErrorKind::fetch, call_label(method, absolute_url(target)) + ": HTTP " +
                                 std::to_string(response.status) + " with a body that is not JSON");
    }
  }
  return reply;
}

std::string graphql_url(const std::string& base_url) {
  std::string base = base_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  constexpr std::string_view kEnterpriseRest = "/api/v3";
  if (base.ends_with(kEnterpriseRest)) {
    return base.substr(0, base.size() - kEnterpriseRest.size()) + "/api/graphql";
  }
  return base + "/graphql";
}

const std::optional<TokenIdentity>& Client::identity() {
  if (identity_) return *identity_;
  if (api_.app_slug && !api_.app_slug->empty()) {
    return identity_.emplace(identity_of_login(*api_.app_slug + "[bot]"));
  }
  return identity_.emplace(viewer());
}

std::optional<TokenIdentity> Client::viewer() {
  const std::string url = graphql_url(api_.base_url);
  std::string received;
  const net::HttpResponse response =
      exchange("POST", url, R"({"query":"query { viewer { login } }"})", received);
  // Refused (a token without GraphQL access, a server without GraphQL): unknown, not an error;
  // a token rejected outright (401) or a rate limit that outlasted the retries is one.
  if (is_refusal(response) && response.status != 401) return std::nullopt;
  if (response.status < 200 || response.status > 299) throw_status(response, url, "POST", {});
  const auto doc = nlohmann::json::parse(received, nullptr, false);
  const nlohmann::json* at = &doc;
  for (const char* name : {"data", "viewer", "login"}) {
    if (!at->is_object() || !at->contains(name)) return std::nullopt;  // GraphQL "errors"
    at = &(*at)[name];
  }
  if (!at->is_string() || at->get_ref<const std::string&>().empty()) return std::nullopt;
  return identity_of_login(at->get<std::string>());
}

void Client::each_page(const std::string& path,
                       const std::function<bool(const nlohmann::json&)>& visit,
                       const AccessHint& hint) {
  std::string target = path;
  for (int page = 1;; ++page) {
    Reply reply = call("GET", target, {}, hint);
    if (!visit(reply.body) || !reply.next) return;
    if (page == kMaxPages) {
      fail(ErrorKind::fetch,
           "GitHub API GET " + path + ": more than " + std::to_string(kMaxPages) + " pages");
    }
    target = *reply.next;
  }
}

}  // namespace kvonce::github

// GitHub REST calls: request headers, the shared retry loop, error translation, Link pagination.
#include "kvonce/report/github_client.hpp"

#include "kvonce/fetch/service_error.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::report {
namespace {

std::string origin_of(const std::string& url) {
  const auto parsed = net::parse_url(url);
  return parsed ? parsed->origin() : std::string();
}

// The rel parameter of one link-value's parameters ("; rel=\"next\"; foo=bar").
bool has_rel_next(std::string_view params) {
  std::size_t pos = 0;
  while ((pos = params.find(';', pos)) != std::string_view::npos) {
    ++pos;
    std::size_t end = params.find(';', pos);
    std::string_view param =
        trim(params.substr(pos, end == std::string_view::npos ? end : end - pos));
    const std::size_t eq = param.find('=');
    if (eq != std::string_view::npos && to_lower_ascii(trim(param.substr(0, eq))) == "rel") {
      std::string_view value = trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      // rel may list several space-separated relation types.
      for (std::size_t start = 0; start < value.size();) {
        const std::size_t space = value.find(' ', start);
        const std::string_view type = value.substr(start, space - start);
        if (to_lower_ascii(type) == "next") return true;
        if (space == std::string_view::npos) break;
        start = space + 1;
      }
    }
  }
  return false;
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

std::optional<std::string> next_link(std::string_view header) {
  std::size_t pos = 0;
  while ((pos = header.find('<', pos)) != std::string_view::npos) {
    const std::size_t close = header.find('>', pos);
    if (close == std::string_view::npos) return std::nullopt;
    const std::string_view url = header.substr(pos + 1, close - pos - 1);
    // The parameters run to the next link-value: a comma outside <...>.
    std::size_t end = header.find(',', close);
    const std::size_t next_open = header.find('<', close);
    if (next_open != std::string_view::npos && (end == std::string_view::npos || next_open < end)) {
      end = next_open;
    }
    const std::string_view params =
        header.substr(close + 1, end == std::string_view::npos ? end : end - close - 1);
    if (has_rel_next(params)) return std::string(url);
    pos = close + 1;
  }
  return std::nullopt;
}

GitHubClient::GitHubClient(net::HttpTransport& transport, GitHubApi api, fetch::RetryPolicy retry)
    : transport_(transport), api_(std::move(api)), retry_(std::move(retry)) {
  while (!api_.base_url.empty() && api_.base_url.back() == '/') api_.base_url.pop_back();
}

std::string GitHubClient::absolute_url(const std::string& target) const {
  if (!target.empty() && target.front() == '/') return api_.base_url + target;
  // A pagination link: it must stay on the API's origin, or the token would follow it elsewhere.
  if (origin_of(target).empty() || origin_of(target) != origin_of(api_.base_url)) {
    fail(ErrorKind::fetch,
         "GitHub API: refusing to follow a link to another host: " + net::redact_url(target));
  }
  return target;
}

std::string GitHubClient::label(std::string_view method, const std::string& url) const {
  return "GitHub API " + std::string(method) + " " + net::redact_url(url);
}

net::HttpResponse GitHubClient::exchange(std::string_view method, const std::string& url,
                                         const std::string& body, std::string& received) {
  const std::string what = label(method, url);
  const auto make_request = [&] {
    received.clear();  // each attempt starts the body afresh
    net::HttpRequest request;
    request.method = std::string(method);
    request.url = url;
    request.body = body;
    request.timeout_ms = 60'000;
    request.headers = {{"Authorization", "Bearer " + api_.token},
                       {"Accept", "application/vnd.github+json"},
                       {"X-GitHub-Api-Version", kGitHubApiVersion},
                       {"User-Agent", std::string("kvonce-trace/") + KVONCE_VERSION}};
    if (!body.empty()) request.headers.emplace_back("Content-Type", "application/json");
    return request;
  };
  const net::BodySink sink = [&](std::string_view chunk) {
    if (received.size() + chunk.size() > kMaxGitHubResponseBytes) {
      fail(ErrorKind::limit, what + ": response larger than " +
                                 std::to_string(kMaxGitHubResponseBytes >> 20) + " MiB");
    }
    received.append(chunk);
    return true;
  };
  return fetch::perform_with_retries(transport_, make_request, retry_, what, nullptr, sink);
}

void GitHubClient::throw_status(const net::HttpResponse& response, const std::string& url,
                                std::string_view method, const std::string& hint) const {
  // The caller's hint is about permissions and names; a rate limit or outage has its own.
  const long s = response.status;
  const bool about_access = (s == 401 || s == 403 || s == 404) && !fetch::is_rate_limited(response);
  fetch::throw_http_error(response, label(method, url), about_access ? hint : std::string());
}

GitHubReply GitHubClient::call(std::string_view method, const std::string& target,
                               const std::string& body, const std::string& hint) {
  const std::string url = absolute_url(target);
  std::string received;
  net::HttpResponse response = exchange(method, url, body, received);
  if (response.status < 200 || response.status > 299) throw_status(response, url, method, hint);

  GitHubReply reply;
  reply.status = response.status;
  if (const auto link = response.header("link")) reply.next = next_link(*link);
  if (!trim(received).empty()) {
    reply.body = nlohmann::json::parse(received, nullptr, false);
    if (reply.body.is_discarded()) {
      fail(ErrorKind::fetch, label(method, url) + ": HTTP " + std::to_string(response.status) +
                                 " with a body that is not JSON");
    }
  }
  return reply;
}

const TokenIdentity& GitHubClient::identity() {
  if (identity_) return *identity_;
  const std::string url = absolute_url("/user");
  std::string received;
  const net::HttpResponse response = exchange("GET", url, {}, received);
  const long s = response.status;
  if ((s == 403 || s == 404) && !fetch::is_rate_limited(response)) {
    // An installation token has no user; GITHUB_TOKEN writes as GitHub Actions' bot.
    identity_ = identity_of_login(kActionsBotLogin);
    return *identity_;
  }
  if (s < 200 || s > 299) throw_status(response, url, "GET", {});
  const auto doc = nlohmann::json::parse(received, nullptr, false);
  const auto login = doc.is_object() ? doc.find("login") : doc.end();
  if (login == doc.end() || !login->is_string() || login->get_ref<const std::string&>().empty()) {
    fail(ErrorKind::fetch, label("GET", url) + ": the reply names no login");
  }
  identity_ = identity_of_login(login->get<std::string>());
  return *identity_;
}

void GitHubClient::each_page(const std::string& path,
                             const std::function<bool(const nlohmann::json&)>& visit,
                             const std::string& hint) {
  std::string target = path;
  for (int page = 1;; ++page) {
    GitHubReply reply = call("GET", target, {}, hint);
    if (!visit(reply.body) || !reply.next) return;
    if (page == kMaxPages) {
      fail(ErrorKind::fetch,
           "GitHub API GET " + path + ": more than " + std::to_string(kMaxPages) + " pages");
    }
    target = *reply.next;
  }
}

}  // namespace kvonce::report

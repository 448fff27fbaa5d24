// An in-memory GitHub for the github module's unit tests: pull request comments (paginated, page
// size configurable) and check runs, behind an HttpTransport. It answers 401 without the expected
// bearer token or API version header, and can be told to fail the next requests first. Like
// GitHub it records who wrote what: `user.login` on comments, `app.slug` on check runs; the token
// is an installation token (GITHUB_TOKEN or an app's, refused by GET /user) unless `user_login`
// is set. POST /graphql answers `query { viewer { login } }` for either kind, as GitHub does.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvonce/net/http.hpp"

namespace kvonce::test {

class FakeGitHub : public net::HttpTransport {
 public:
  static constexpr const char* kBase = "http://127.0.0.1:9";
  static constexpr const char* kToken = "ghs_fake-token-value-0123456789";

  struct Comment {
    std::uint64_t id;
    std::string body;
    std::string login = "github-actions[bot]";
  };
  struct CheckRun {
    std::uint64_t id;
    std::string head_sha;
    nlohmann::json doc;
    std::string app_slug = "github-actions";
  };

  std::optional<std::string> user_login;    // set: a user's token, which GET /user names
  std::string app_slug = "github-actions";  // the app of an installation token
  bool graphql = true;                      // false: POST /graphql is refused (403)

  std::string token_login() const { return user_login ? *user_login : app_slug + "[bot]"; }

  std::size_t page_size = 100;
  std::vector<Comment> comments;
  std::vector<CheckRun> check_runs;
  std::deque<net::HttpResponse> failures;  // answered, in order, before anything else
  std::vector<net::HttpRequest> requests;

  net::HttpResponse perform(const net::HttpRequest& request, const net::BodySink& sink) override {
    requests.push_back(request);
    net::HttpResponse response = answer(request);
    if (sink && response.status >= 200 && response.status < 300) {
      sink(response.body);
      response.body.clear();
    }
    return response;
  }

  static std::string header(const net::HttpRequest& r, const std::string& name) {
    for (const auto& [n, v] : r.headers) {
      if (n == name) return v;
    }
    return "<absent>";
  }

  static net::HttpResponse reply(long status, const nlohmann::json& body,
                                 net::Headers headers = {}) {
    net::HttpResponse r;
    r.status = status;
    r.body = body.dump();
    r.headers = std::move(headers);
    return r;
  }

 private:
  std::uint64_t next_id_ = 1000;

  net::HttpResponse answer(const net::HttpRequest& r) {
    if (header(r, "Authorization") != std::string("Bearer ") + kToken) {
      return reply(401, {{"message", "Bad credentials"}});
    }
    if (header(r, "X-GitHub-Api-Version") != "2022-11-28")
      return reply(400, {{"message", "version"}});
    if (!failures.empty()) {
      net::HttpResponse f = failures.front();
      failures.pop_front();
      return f;
    }
    const std::string path = r.url.substr(std::string(kBase).size());
    const std::string repo = "/repos/octo/repo";
    if (r.method == "POST" && path == "/graphql") {
      if (!graphql) return reply(403, {{"message", "Resource not accessible by integration"}});
      const auto query = nlohmann::json::parse(r.body, nullptr, false);
      if (!query.is_object() || query.value("query", "") != "query { viewer { login } }") {
        return reply(200, {{"errors", {{{"message", "unexpected query"}}}}});
      }
      return reply(200, {{"data", {{"viewer", {{"login", token_login()}}}}}});
    }
    if (r.method == "GET" && path == "/user") {
      if (!user_login) return reply(403, {{"message", "Resource not accessible by integration"}});
      return reply(200, {{"login", *user_login}, {"type", "User"}});
    }
    if (r.method == "GET" && path.rfind(repo + "/issues/7/comments?per_page=100", 0) == 0) {
      return comment_page(path);
    }
    if (r.method == "POST" && path == repo + "/issues/7/comments") {
      comments.push_back({next_id_++, nlohmann::json::parse(r.body).at("body"), token_login()});
      return reply(201, {{"id", comments.back().id}, {"html_url", "https://github.test/c"}});
    }
    if (r.method == "PATCH" && path.rfind(repo + "/issues/comments/", 0) == 0) {
      const std::uint64_t id = std::stoull(path.substr(path.rfind('/') + 1));
      for (Comment& c : comments) {
        if (c.id == id) {
          c.body = nlohmann::json::parse(r.body).at("body");
          return reply(200, {{"id", id}});
        }
      }
      return reply(404, {{"message", "Not Found"}});
    }
    if (r.method == "GET" && path.rfind(repo + "/commits/", 0) == 0) return check_run_list(path);
    if (r.method == "POST" && path == repo + "/check-runs") {
      const auto doc = nlohmann::json::parse(r.body);
      if (user_login) return reply(403, {{"message", "You must authenticate via a GitHub App."}});
      check_runs.push_back({next_id_++, doc.at("head_sha"), doc, app_slug});
      return reply(201, {{"id", check_runs.back().id}});
    }
    if (r.method == "PATCH" && path.rfind(repo + "/check-runs/", 0) == 0) {
      const std::uint64_t id = std::stoull(path.substr(path.rfind('/') + 1));
      for (CheckRun& c : check_runs) {
        if (c.id == id) {
          c.doc = nlohmann::json::parse(r.body);
          return reply(200, {{"id", id}});
        }
      }
    }
    return reply(404, {{"message", "Not Found"}});
  }

  net::HttpResponse comment_page(const std::string& path) {
    const auto at = path.find("&page=");
    const std::size_t page = at == std::string::npos ? 1 : std::stoul(path.substr(at + 6));
    nlohmann::json items = nlohmann::json::array();
    for (std::size_t i = (page - 1) * page_size; i < comments.size() && i < page * page_size; ++i) {
      const nlohmann::json user{{"login", comments[i].login},
                                {"type", comments[i].login.ends_with("[bot]") ? "Bot" : "User"}};
      items.push_back({{"id", comments[i].id}, {"body", comments[i].body}, {"user", user}});
    }
    net::Headers headers;
    if (page * page_size < comments.size()) {
      const std::string next =
          std::string(kBase) +
          "/repos/octo/repo/issues/7/comments?per_page=100&page=" + std::to_string(page + 1);
      headers.emplace_back("link", "<" + next + ">; rel=\"next\", <" + next + ">; rel=\"last\"");
    }
    return reply(200, items, headers);
  }

  net::HttpResponse check_run_list(const std::string& path) {
    const std::string sha = path.substr(path.find("/commits/") + 9, 40);
    nlohmann::json runs = nlohmann::json::array();
    for (const CheckRun& c : check_runs) {
      if (c.head_sha == sha) {
        runs.push_back({{"id", c.id}, {"name", c.doc.at("name")}, {"app", {{"slug", c.app_slug}}}});
      }
    }
    return reply(200, {{"total_count", runs.size()}, {"check_runs", runs}});
  }
};

}  // namespace kvonce::test

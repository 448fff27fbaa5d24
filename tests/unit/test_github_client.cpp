// The GitHub API client: headers, Link pagination, retries, errors without the token.
#include <catch2/catch.hpp>

#include "kvonce/github/client.hpp"
#include "kvonce/github/link.hpp"
#include "kvonce/util/error.hpp"

#include "github_fake_api.hpp"

using namespace kvonce;
using namespace kvonce::github;
using kvonce::test::FakeGitHub;

namespace {

struct Fixture {
  FakeGitHub github;
  std::vector<std::chrono::milliseconds> waits;
  std::vector<std::string> log;

  Client client(std::string token = FakeGitHub::kToken) {
    transfer::RetryPolicy retry{3,
                                1000,
                                60'000,
                                [this](auto d) { waits.push_back(d); },
                                [this](const std::string& line) { log.push_back(line); },
                                {}};
    return Client(github, Api{std::string(FakeGitHub::kBase) + "/", token, "octo/repo"}, retry);
  }
};

std::string error_of(const std::function<void()>& f, ErrorKind* kind = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (kind) *kind = e.kind();
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("next_link") {
  SECTION("GitHub's Link header") {
    CHECK(next_link("<https://api.github.com/r?page=2>; rel=\"next\", "
                    "<https://api.github.com/r?page=5>; rel=\"last\"") ==
          "https://api.github.com/r?page=2");
  }
  SECTION("next after other relations, several types in one rel") {
    CHECK(next_link("<u1>; rel=\"prev\", <u2>; rel=\"first\", <u3>; rel=\"last next\"") == "u3");
  }
  SECTION("a comma inside the URL does not split it") {
    CHECK(next_link("<https://h/x?a=1,2>; rel=next") == "https://h/x?a=1,2");
  }
  SECTION("no next on the last page") {
    CHECK_FALSE(next_link("<u1>; rel=\"prev\", <u2>; rel=\"first\""));
    CHECK_FALSE(next_link(""));
    CHECK_FALSE(next_link("<unterminated; rel=next"));
  }
}

TEST_CASE("github::Client::call") {
  Fixture f;
  SECTION("sends the token, the API version and a user agent") {
    Client c = f.client();
    const Reply reply = c.call("POST", "/repos/octo/repo/issues/7/comments", "{\"body\":\"x\"}");
    CHECK(reply.status == 201);
    CHECK(reply.body["id"] == 1000);
    const net::HttpRequest& r = f.github.requests.at(0);
    CHECK(r.url == std::string(FakeGitHub::kBase) + "/repos/octo/repo/issues/7/comments");
    CHECK(FakeGitHub::header(r, "Authorization") == std::string("Bearer ") + FakeGitHub::kToken);
    CHECK(FakeGitHub::header(r, "Accept") == "application/vnd.github+json");
    CHECK(FakeGitHub::header(r, "X-GitHub-Api-Version") == "2022-11-28");
    CHECK_THAT(FakeGitHub::header(r, "User-Agent"), Catch::StartsWith("kvonce-trace/"));
    CHECK(FakeGitHub::header(r, "Content-Type") == "application/json");
  }
  SECTION("5xx is retried with backoff") {
    f.github.failures.push_back(FakeGitHub::reply(502, {{"message", "Bad Gateway"}}));
    f.github.failures.push_back(FakeGitHub::reply(503, {{"message", "Unavailable"}}));
    Client c = f.client();
    CHECK(c.call("POST", "/repos/octo/repo/issues/7/comments", "{\"body\":\"x\"}").status == 201);
    CHECK(f.github.requests.size() == 3);
    REQUIRE(f.waits.size() == 2);
    CHECK(f.waits[1] > f.waits[0] / 2);
    CHECK_THAT(f.log.at(0), Catch::Contains("HTTP 502, retrying"));
  }
  SECTION("a 403 rate limit waits as long as Retry-After asks") {
    f.github.failures.push_back(
        FakeGitHub::reply(403, {{"message", "secondary rate limit"}}, {{"retry-after", "7"}}));
    Client c = f.client();
    CHECK(c.call("GET", "/repos/octo/repo/issues/7/comments?per_page=100").status == 200);
    REQUIRE(f.waits.size() == 1);
    CHECK(f.waits[0] >= std::chrono::milliseconds(7000));
  }
  SECTION("401 is Error(auth) with GitHub's message and never the token") {
    Client c = f.client("wrong-token-secret");
    ErrorKind kind{};
    const std::string message =
        error_of([&] { c.call("GET", "/repos/octo/repo/issues/7/comments?per_page=100"); }, &kind);
    CHECK(kind == ErrorKind::auth);
    CHECK_THAT(message, Catch::Contains("HTTP 401") && Catch::Contains("Bad credentials"));
    CHECK_THAT(message, !Catch::Contains("wrong-token-secret"));
    CHECK(f.github.requests.size() == 1);  // never retried
    CHECK(f.log.empty());
  }
  SECTION("404 is Error(fetch) with the caller's hint") {
    Client c = f.client();
    ErrorKind kind{};
    const std::string message =
        error_of([&] { c.call("GET", "/repos/octo/other", {}, "check the repo"); }, &kind);
    CHECK(kind == ErrorKind::fetch);
    CHECK_THAT(message, Catch::Contains("GitHub API GET") && Catch::Contains("HTTP 404") &&
                            Catch::Contains("check the repo"));
  }
  SECTION("a 2xx body that is not JSON is an error") {
    f.github.failures.push_back([] {
      net::HttpResponse r;
      r.status = 200;
      r.body = "<html>";
      return r;
    }());
    Client c = f.client();
    CHECK_THAT(error_of([&] { c.call("GET", "/x"); }), Catch::Contains("not JSON"));
  }
  SECTION("links to another origin are refused before any request") {
    Client c = f.client();
    CHECK_THAT(error_of([&] { c.call("GET", "https://evil.example/steal?token=x"); }),
               Catch::Contains("another host") && !Catch::Contains("token=x"));
    CHECK_THAT(error_of([&] { c.call("GET", "http://127.0.0.1:10/x"); }),
               Catch::Contains("another host"));
    CHECK(f.github.requests.empty());
  }
}

TEST_CASE("github::Client::each_page") {
  Fixture f;
  f.github.page_size = 2;
  for (std::uint64_t i = 1; i <= 5; ++i) f.github.comments.push_back({i, "c" + std::to_string(i)});
  Client c = f.client();
  SECTION("follows rel=next to the last page") {
    std::vector<std::uint64_t> ids;
    c.each_page("/repos/octo/repo/issues/7/comments?per_page=100", [&](const nlohmann::json& page) {
      for (const auto& item : page) ids.push_back(item["id"]);
      return true;
    });
    CHECK(ids == std::vector<std::uint64_t>{1, 2, 3, 4, 5});
    CHECK(f.github.requests.size() == 3);
  }
  SECTION("stops when the visitor has what it needs") {
    c.each_page("/repos/octo/repo/issues/7/comments?per_page=100",
                [&](const nlohmann::json&) { return false; });
    CHECK(f.github.requests.size() == 1);
  }
}

// The PR comment found by its marker and author on any page.
#include <catch2/catch.hpp>

#include "kvonce/github/comments.hpp"
#include "kvonce/util/error.hpp"

#include "github_fake_api.hpp"

using namespace kvonce;
using namespace kvonce::github;
using kvonce::test::FakeGitHub;

namespace {

constexpr const char* kCommentMarker = "<!-- kvonce-trace-summary -->";

Client client_for(FakeGitHub& github) {
  transfer::RetryPolicy retry{2, 1, 10, [](auto) {}, {}, {}};
  return Client(github, Api{FakeGitHub::kBase, FakeGitHub::kToken, "octo/repo"}, retry);
}

}  // namespace

TEST_CASE("upsert_pr_comment") {
  FakeGitHub github;
  Client client = client_for(github);
  const std::string body = std::string(kCommentMarker) + "\n### KvOnce Trace Validation\nnew";

  SECTION("creates the comment when none carries the marker") {
    github.comments.push_back({1, "LGTM"});
    const Published p = upsert_pr_comment(client, 7, kCommentMarker, body);
    CHECK(p.created);
    CHECK(p.id == 1000);
    CHECK(p.url == "https://github.test/c");
    REQUIRE(github.comments.size() == 2);
    CHECK(github.comments[1].body == body);
  }
  SECTION("updates in place the marked comment on page 2") {
    github.page_size = 3;
    for (std::uint64_t i = 1; i <= 7; ++i)
      github.comments.push_back({i, "comment " + std::to_string(i)});
    github.comments[4].body = std::string(kCommentMarker) + "\nold";
    const Published p = upsert_pr_comment(client, 7, kCommentMarker, body);
    CHECK_FALSE(p.created);
    CHECK(p.id == 5);
    CHECK(github.comments.size() == 7);
    CHECK(github.comments[4].body == body);
    // Two pages listed (the third was not needed), the token's identity once a marked comment
    // was found, then one PATCH.
    REQUIRE(github.requests.size() == 4);
    CHECK(github.requests[2].method == "POST");
    CHECK_THAT(github.requests[2].url, Catch::EndsWith("/graphql"));
    CHECK(github.requests[3].method == "PATCH");
    CHECK_THAT(github.requests[3].url, Catch::EndsWith("/repos/octo/repo/issues/comments/5"));
  }
  SECTION("a comment that only quotes the marker later is not ours") {
    github.comments.push_back({1, std::string("see ") + kCommentMarker});
    CHECK(upsert_pr_comment(client, 7, kCommentMarker, body).created);
  }
}

TEST_CASE("upsert_pr_comment: only a comment the token's identity wrote is updated") {
  FakeGitHub github;
  Client client = client_for(github);
  const std::string body = std::string(kCommentMarker) + "\nnew";
  const std::string planted = std::string(kCommentMarker) + "\nall green, merge away";

  SECTION("GITHUB_TOKEN: a marked comment by a user is left alone, a new one is created") {
    github.comments.push_back({1, planted, "mallory"});
    github.comments.push_back({2, planted, "github-actions"});  // a user, not the bot
    const Published p = upsert_pr_comment(client, 7, kCommentMarker, body);
    CHECK(p.created);
    REQUIRE(github.comments.size() == 3);
    CHECK(github.comments[0].body == planted);
    CHECK(github.comments[1].body == planted);
    CHECK(github.comments[2].login == "github-actions[bot]");
  }
  SECTION("GITHUB_TOKEN: the bot's own marked comment is updated, after another app's") {
    github.comments.push_back({1, planted, "other-app[bot]"});
    github.comments.push_back({2, planted, "GitHub-Actions[bot]"});  // logins ignore case
    const Published p = upsert_pr_comment(client, 7, kCommentMarker, body);
    CHECK_FALSE(p.created);
    CHECK(p.id == 2);
    CHECK(github.comments[0].body == planted);
  }
  SECTION("a user's token: GraphQL's viewer names the author to look for") {
    github.user_login = "octocat";
    github.comments.push_back({1, planted});  // the bot's, not this token's
    github.comments.push_back({2, planted, "octocat"});
    const Published p = upsert_pr_comment(client, 7, kCommentMarker, body);
    CHECK_FALSE(p.created);
    CHECK(p.id == 2);
    CHECK(github.comments[0].body == planted);
  }
  SECTION("the identity is looked up once per client") {
    upsert_pr_comment(client, 7, kCommentMarker, body);
    upsert_pr_comment(client, 7, kCommentMarker, body);
    std::size_t lookups = 0;
    for (const auto& r : github.requests) lookups += r.url.ends_with("/graphql") ? 1 : 0;
    CHECK(lookups == 1);
    CHECK(github.comments.size() == 1);
  }
  SECTION("no marked comment: no lookup") {
    github.comments.push_back({1, "LGTM", "mallory"});
    CHECK(upsert_pr_comment(client, 7, kCommentMarker, body).created);
    for (const auto& r : github.requests) CHECK_FALSE(r.url.ends_with("/graphql"));
  }
  SECTION("the identity lookup failing otherwise is an error, not a guess") {
    github.comments.push_back({1, planted});
    github.failures.push_back(
        FakeGitHub::reply(200, nlohmann::json::array({{{"id", 1}, {"body", planted}}})));
    github.failures.push_back(FakeGitHub::reply(500, {{"message", "boom"}}));
    github.failures.push_back(FakeGitHub::reply(500, {{"message", "boom"}}));
    github.failures.push_back(FakeGitHub::reply(500, {{"message", "boom"}}));
    CHECK_THROWS_AS(upsert_pr_comment(client, 7, kCommentMarker, body), Error);
    CHECK(github.comments.size() == 1);
    CHECK(github.comments[0].body == planted);
  }
}

TEST_CASE("upsert_pr_comment: a GitHub App's installation token") {
  FakeGitHub github;
  github.app_slug = "kvonce-app";  // GET /user refuses its token with 403, as GitHub does
  const std::string body = std::string(kCommentMarker) + "\nnew";
  const std::string planted = std::string(kCommentMarker) + "\nall green, merge away";
  github.comments.push_back({1, planted, "github-actions[bot]"});  // another app's
  github.comments.push_back({2, planted, "kvonce-app[bot]"});

  SECTION("GraphQL's viewer names the app's bot: its comment is updated, no other") {
    Client client = client_for(github);
    const Published p = upsert_pr_comment(client, 7, kCommentMarker, body);
    CHECK_FALSE(p.created);
    CHECK(p.id == 2);
    CHECK(github.comments[0].body == planted);
    CHECK(github.comments[1].body == body);
    for (const auto& r : github.requests) CHECK_FALSE(r.url.ends_with("/user"));
  }
  SECTION("the app slug given: no lookup at all") {
    transfer::RetryPolicy retry{2, 1, 10, [](auto) {}, {}, {}};
    Client client(github, Api{FakeGitHub::kBase, FakeGitHub::kToken, "octo/repo", "kvonce-app"},
                  retry);
    CHECK(upsert_pr_comment(client, 7, kCommentMarker, body).id == 2);
    for (const auto& r : github.requests) CHECK_FALSE(r.url.ends_with("/graphql"));
  }
  SECTION("GraphQL refused: the author is unknown, so a new comment is created") {
    github.graphql = false;
    Client client = client_for(github);
    const Published p = upsert_pr_comment(client, 7, kCommentMarker, body);
    CHECK(p.created);
    REQUIRE(github.comments.size() == 3);
    CHECK(github.comments[0].body == planted);
    CHECK(github.comments[1].body == planted);
  }
  SECTION("GraphQL answering errors, not a login: a new comment too") {
    github.failures.push_back(FakeGitHub::reply(
        200, nlohmann::json::array(
                 {{{"id", 1}, {"body", planted}, {"user", {{"login", "github-actions[bot]"}}}}})));
    github.failures.push_back(
        FakeGitHub::reply(200, {{"errors", {{{"message", "Something went wrong"}}}}}));
    Client client = client_for(github);
    CHECK(upsert_pr_comment(client, 7, kCommentMarker, body).created);
    CHECK(github.comments[0].body == planted);
  }
}

TEST_CASE("github::graphql_url") {
  CHECK(graphql_url("https://api.github.com") == "https://api.github.com/graphql");
  CHECK(graphql_url("https://ghe.example/api/v3/") == "https://ghe.example/api/graphql");
  CHECK(graphql_url("http://127.0.0.1:9") == "http://127.0.0.1:9/graphql");
}

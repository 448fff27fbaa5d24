// Publishing: the PR comment found by its marker on any page, the Check Run found by its name.
#include <catch2/catch.hpp>

#include "kvonce/report/publish.hpp"

#include "report_fake_github.hpp"

using namespace kvonce;
using namespace kvonce::report;
using kvonce::test::FakeGitHub;

namespace {

const std::string kSha = "0123456789abcdef0123456789abcdef01234567";

GitHubClient client_for(FakeGitHub& github) {
  fetch::RetryPolicy retry{2, 1, 10, [](auto) {}, {}};
  return GitHubClient(github, GitHubApi{FakeGitHub::kBase, FakeGitHub::kToken, "octo/repo"}, retry);
}

CheckRunContent content(const std::string& conclusion) {
  return CheckRunContent{conclusion, "title " + conclusion, "summary", "text"};
}

}  // namespace

TEST_CASE("upsert_pr_comment") {
  FakeGitHub github;
  GitHubClient client = client_for(github);
  const std::string body = std::string(kCommentMarker) + "\n### KvOnce Trace Validation\nnew";

  SECTION("creates the comment when none carries the marker") {
    github.comments.push_back({1, "LGTM"});
    const Published p = upsert_pr_comment(client, 7, body);
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
    const Published p = upsert_pr_comment(client, 7, body);
    CHECK_FALSE(p.created);
    CHECK(p.id == 5);
    CHECK(github.comments.size() == 7);
    CHECK(github.comments[4].body == body);
    // Two pages listed (the third was not needed), then one PATCH.
    REQUIRE(github.requests.size() == 3);
    CHECK(github.requests[2].method == "PATCH");
    CHECK_THAT(github.requests[2].url, Catch::EndsWith("/repos/octo/repo/issues/comments/5"));
  }
  SECTION("a comment that only quotes the marker later is not ours") {
    github.comments.push_back({1, std::string("see ") + kCommentMarker});
    CHECK(upsert_pr_comment(client, 7, body).created);
  }
}

TEST_CASE("upsert_check_run") {
  FakeGitHub github;
  GitHubClient client = client_for(github);
  SECTION("creates, then updates the same run") {
    const Published first = upsert_check_run(client, kSha, content("failure"));
    CHECK(first.created);
    REQUIRE(github.check_runs.size() == 1);
    const nlohmann::json& doc = github.check_runs[0].doc;
    CHECK(doc["name"] == "KvOnce Trace Validation");
    CHECK(doc["head_sha"] == kSha);
    CHECK(doc["status"] == "completed");
    CHECK(doc["conclusion"] == "failure");
    CHECK(doc["output"]["title"] == "title failure");
    CHECK(doc["output"]["summary"] == "summary");
    CHECK(doc["output"]["text"] == "text");
    CHECK(doc["completed_at"].get<std::string>().size() == 20);

    const Published second = upsert_check_run(client, kSha, content("success"));
    CHECK_FALSE(second.created);
    CHECK(second.id == first.id);
    REQUIRE(github.check_runs.size() == 1);
    CHECK(github.check_runs[0].doc["conclusion"] == "success");
    CHECK_THAT(github.requests[2].url, Catch::Contains("check_name=KvOnce%20Trace%20Validation"));
  }
  SECTION("a run of another commit is not reused") {
    upsert_check_run(client, kSha, content("success"));
    upsert_check_run(client, std::string(40, 'f'), content("success"));
    CHECK(github.check_runs.size() == 2);
  }
}

// The Check Run found by its name and app on the commit, stamped with the time it is given.
#include <catch2/catch.hpp>

#include "kvonce/github/checks.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/time.hpp"

#include "github_fake_api.hpp"

using namespace kvonce;
using namespace kvonce::github;
using kvonce::test::FakeGitHub;

namespace {

const std::string kSha = "0123456789abcdef0123456789abcdef01234567";
const std::string kTitle = "KvOnce Trace Validation";
// Milliseconds on the clock; GitHub gets whole seconds.
const std::chrono::system_clock::time_point kAt{
    std::chrono::milliseconds(*parse_iso_nanos("2026-03-04T05:06:07.890Z") / 1'000'000)};

Client client_for(FakeGitHub& github) {
  transfer::RetryPolicy retry{2, 1, 10, [](auto) {}, {}, {}};
  return Client(github, Api{FakeGitHub::kBase, FakeGitHub::kToken, "octo/repo"}, retry);
}

CheckRunOutput content(const std::string& conclusion) {
  return CheckRunOutput{conclusion, "title " + conclusion, "summary", "text"};
}

}  // namespace

TEST_CASE("upsert_check_run") {
  FakeGitHub github;
  Client client = client_for(github);
  SECTION("creates, then updates the same run") {
    const Published first = upsert_check_run(client, kSha, kTitle, content("failure"), kAt);
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
    CHECK(doc["completed_at"] == "2026-03-04T05:06:07Z");

    const Published second = upsert_check_run(client, kSha, kTitle, content("success"), kAt);
    CHECK_FALSE(second.created);
    CHECK(second.id == first.id);
    REQUIRE(github.check_runs.size() == 1);
    CHECK(github.check_runs[0].doc["conclusion"] == "success");
    CHECK_THAT(github.requests[2].url, Catch::Contains("check_name=KvOnce%20Trace%20Validation"));
  }
  SECTION("a run of another commit is not reused") {
    upsert_check_run(client, kSha, kTitle, content("success"), kAt);
    upsert_check_run(client, std::string(40, 'f'), kTitle, content("success"), kAt);
    CHECK(github.check_runs.size() == 2);
  }
  SECTION("a run of the same name by another app is not taken over") {
    github.app_slug = "mallory-ci";
    upsert_check_run(client, kSha, kTitle, content("success"), kAt);
    github.app_slug = "github-actions";
    const Published p = upsert_check_run(client, kSha, kTitle, content("failure"), kAt);
    CHECK(p.created);
    REQUIRE(github.check_runs.size() == 2);
    CHECK(github.check_runs[0].doc["conclusion"] == "success");
    CHECK(github.check_runs[1].app_slug == "github-actions");
  }
}

TEST_CASE("upsert_check_run: a GitHub App's installation token") {
  FakeGitHub github;
  github.app_slug = "kvonce-app";  // GET /user refuses its token with 403, as GitHub does
  Client client = client_for(github);
  SECTION("GraphQL's viewer names the app: the run it created is updated") {
    const Published first = upsert_check_run(client, kSha, kTitle, content("failure"), kAt);
    const Published second = upsert_check_run(client, kSha, kTitle, content("success"), kAt);
    CHECK_FALSE(second.created);
    CHECK(second.id == first.id);
    REQUIRE(github.check_runs.size() == 1);
  }
  SECTION("GraphQL refused: the author is unknown, so a new run is created") {
    github.graphql = false;
    github.app_slug = "github-actions";
    upsert_check_run(client, kSha, kTitle, content("success"), kAt);
    const Published p = upsert_check_run(client, kSha, kTitle, content("failure"), kAt);
    CHECK(p.created);
    REQUIRE(github.check_runs.size() == 2);
    CHECK(github.check_runs[0].doc["conclusion"] == "success");
  }
}

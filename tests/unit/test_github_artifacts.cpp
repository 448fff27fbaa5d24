#include <catch2/catch.hpp>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/github/artifacts.hpp"

#include "fetch_scripted_transport.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using namespace kvonce::test::script;

namespace {

std::string artifact(int id, const std::string& name, const std::string& created, bool expired,
                     int run = 7) {
  return "{\"id\":" + std::to_string(id) + ",\"name\":\"" + name +
         "\",\"expired\":" + (expired ? "true" : "false") + ",\"created_at\":\"" + created +
         "\",\"workflow_run\":{\"id\":" + std::to_string(run) + "}}";
}

std::string page(int total, const std::vector<std::string>& artifacts) {
  std::string list;
  for (const auto& a : artifacts) list += (list.empty() ? "" : ",") + a;
  return "{\"total_count\":" + std::to_string(total) + ",\"artifacts\":[" + list + "]}";
}

const Environment kEnv = environment_from({{"GITHUB_REPOSITORY", "octo/repo"},
                                           {"GITHUB_API_URL", "https://ghe.example.com/api/v3/"},
                                           {"GITHUB_TOKEN", "ghs_secret_token"}});

transfer::DownloadPolicy quick() {
  transfer::DownloadPolicy p;
  p.sleep = [](std::chrono::milliseconds) {};
  return p;
}

}  // namespace

TEST_CASE("github::fetch_artifact") {
  TempDir dir;
  const auto target = dir / "p.json";
  SECTION(
      "follows the Link header through the listing, takes the newest unexpired artifact of that "
      "name") {
    const std::string next =
        "<https://ghe.example.com/api/v3/repos/octo/repo/actions/"
        "artifacts?name=kvonce&per_page=100&page=2>; rel=\"next\"";
    ScriptedTransport t({
        ok({page(4, {artifact(1, "kvonce", "2025-10-01T00:00:00Z", false),
                     artifact(2, "kvonce", "2025-10-05T00:00:00Z", true)})},
           {{"link", next}}),
        ok({page(4, {artifact(3, "kvonce", "2025-10-03T00:00:00Z", false, 9),
                     artifact(4, "other", "2025-10-09T00:00:00Z", false)})}),
        ok({"{\"resourceSpans\":[]}"}),
    });
    const auto r = github::fetch_artifact("kvonce", std::nullopt, kEnv, t, target, quick());
    REQUIRE(t.requests.size() == 3);
    CHECK(t.requests[0].url ==
          "https://ghe.example.com/api/v3/repos/octo/repo/actions/artifacts?name=kvonce&per_page="
          "100&page=1");
    CHECK(t.requests[1].url.ends_with("&page=2"));
    CHECK(t.requests[2].url ==
          "https://ghe.example.com/api/v3/repos/octo/repo/actions/artifacts/3/zip");
    CHECK(t.requests[2].follow_redirects);
    for (const auto& request : t.requests) {
      CHECK(header_value(request, "Authorization") == "Bearer ghs_secret_token");
      CHECK(header_value(request, "Accept") == "application/vnd.github+json");
      CHECK(header_value(request, "X-GitHub-Api-Version") == "2022-11-28");
    }
    CHECK(read_file(target) == "{\"resourceSpans\":[]}");
    CHECK(r.download.sha256 == crypto::sha256_hex("{\"resourceSpans\":[]}"));
    CHECK(r.source_detail == "octo/repo artifact kvonce (id 3, run 9, body)");
    CHECK(dir.files() == std::vector<std::string>{"p.json"});
  }
  SECTION("--run-id lists that run's artifacts; names are percent-encoded") {
    ScriptedTransport t(
        {ok({page(1, {artifact(5, "a b", "2025-10-01T00:00:00Z", false)})}), ok({"x"})});
    github::fetch_artifact("a b", std::string("42"), kEnv, t, target, quick());
    CHECK(t.requests[0].url ==
          "https://ghe.example.com/api/v3/repos/octo/repo/actions/runs/42/artifacts?name=a%20b&"
          "per_page=100&page=1");
  }
  SECTION("no unexpired artifact of that name: input error, nothing written") {
    ScriptedTransport t({ok({page(1, {artifact(2, "kvonce", "2025-10-05T00:00:00Z", true)})})});
    try {
      github::fetch_artifact("kvonce", std::nullopt, kEnv, t, target, quick());
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::input);
      CHECK_THAT(e.what(), Catch::Contains("no unexpired artifact named 'kvonce' in octo/repo"));
    }
    CHECK(dir.files().empty());
  }
  SECTION("401: auth error naming GITHUB_TOKEN, without the token") {
    ScriptedTransport t({status(401, "{\"message\":\"Bad credentials\"}")});
    try {
      github::fetch_artifact("kvonce", std::nullopt, kEnv, t, target, quick());
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK_THAT(e.what(), Catch::Contains("HTTP 401 (Bad credentials)") &&
                               Catch::Contains("GITHUB_TOKEN was rejected"));
      CHECK_THAT(e.what(), !Catch::Contains("ghs_secret_token"));
    }
  }
  SECTION("403 without rate-limit signs: the actions: read permission") {
    ScriptedTransport t({status(403, "{\"message\":\"Resource not accessible\"}")});
    CHECK_THROWS_WITH(github::fetch_artifact("kvonce", std::nullopt, kEnv, t, target, quick()),
                      Catch::Contains("actions: read"));
  }
  SECTION("missing settings") {
    ScriptedTransport t({});
    auto env = environment_from({{"GITHUB_REPOSITORY", "octo/repo"}});
    try {
      github::fetch_artifact("kvonce", std::nullopt, env, t, target, quick());
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::auth);
      CHECK_THAT(e.what(), Catch::Contains("GITHUB_TOKEN"));
    }
    env = environment_from({{"GITHUB_REPOSITORY", "not-a-repo"}, {"GITHUB_TOKEN", "t"}});
    CHECK_THROWS_AS(github::fetch_artifact("kvonce", std::nullopt, env, t, target, quick()), Error);
    CHECK_THROWS_WITH(
        github::fetch_artifact("kvonce", std::string("12a"), kEnv, t, target, quick()),
        Catch::Contains("--run-id"));
    CHECK(t.requests.empty());
  }
  SECTION("expect_sha256 applies to the payload, not to the archive") {
    auto policy = quick();
    policy.expect_sha256 = crypto::sha256_hex("right");
    ScriptedTransport good(
        {ok({page(1, {artifact(1, "k", "2025-10-01T00:00:00Z", false)})}), ok({"right"})});
    github::fetch_artifact("k", std::nullopt, kEnv, good, target, policy);
    CHECK(read_file(target) == "right");
    std::filesystem::remove(target);
    ScriptedTransport bad(
        {ok({page(1, {artifact(1, "k", "2025-10-01T00:00:00Z", false)})}), ok({"wrong"})});
    CHECK_THROWS_AS(github::fetch_artifact("k", std::nullopt, kEnv, bad, target, policy), Error);
    CHECK(dir.files().empty());
  }
}

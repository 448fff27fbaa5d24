// Where the report publishes: API, repository, token, pull request and commit from the
// Actions environment.
#include <catch2/catch.hpp>

#include "kvonce/report/github_context.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::report;
using namespace kvonce::test;

namespace {

ErrorKind kind_of(const std::function<void()>& f, std::string* message = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.kind();
  }
  FAIL("no error");
  return ErrorKind::internal;
}

}  // namespace

TEST_CASE("github_api_from") {
  SECTION("defaults to the public API") {
    const github::Api api =
        github_api_from(environment_from({{"GITHUB_TOKEN", "t"}, {"GITHUB_REPOSITORY", "o/r"}}));
    CHECK(api.base_url == "https://api.github.com");
    CHECK(api.token == "t");
    CHECK(api.repository == "o/r");
  }
  SECTION("GITHUB_API_URL without its trailing slash") {
    const github::Api api =
        github_api_from(environment_from({{"GITHUB_TOKEN", "t"},
                                          {"GITHUB_REPOSITORY", "o/r"},
                                          {"GITHUB_API_URL", "https://ghe.example/api/v3/"}}));
    CHECK(api.base_url == "https://ghe.example/api/v3");
  }
  SECTION("no token is an auth error") {
    std::string message;
    CHECK(kind_of(
              [] {
                github_api_from(environment_from({{"GITHUB_REPOSITORY", "o/r"}}));
              },
              &message) == ErrorKind::auth);
    CHECK_THAT(message, Catch::Contains("GITHUB_TOKEN is not set"));
  }
  SECTION("a repository that is not owner/name is a usage error") {
    for (const char* repo : {"o", "o/", "/r", "o/r/x", "o/r?x=1", "o/..", "o/r#"}) {
      INFO(repo);
      CHECK(
          kind_of([&] {
            github_api_from(environment_from({{"GITHUB_TOKEN", "t"}, {"GITHUB_REPOSITORY", repo}}));
          }) == ErrorKind::usage);
    }
    CHECK(kind_of([] {
            github_api_from(environment_from({{"GITHUB_TOKEN", "t"}}));
          }) == ErrorKind::usage);
  }
}

TEST_CASE("pull_request_number") {
  TempDir dir;
  const auto event = [&](const std::string& json) {
    write_file(dir / "event.json", json);
    return environment_from({{"GITHUB_EVENT_PATH", (dir / "event.json").string()}});
  };
  SECTION("--pr wins") {
    CHECK(pull_request_number(event("{\"pull_request\":{\"number\":3}}"), 9) == 9);
  }
  SECTION("a pull_request event") {
    CHECK(pull_request_number(event("{\"pull_request\":{\"number\":3}}"), {}) == 3);
  }
  SECTION("a comment on a pull request") {
    CHECK(pull_request_number(event("{\"issue\":{\"number\":4,\"pull_request\":{}}}"), {}) == 4);
  }
  SECTION("a comment on a plain issue, a push, or no event at all") {
    CHECK(kind_of([&] { pull_request_number(event("{\"issue\":{\"number\":4}}"), {}); }) ==
          ErrorKind::usage);
    CHECK(kind_of([&] { pull_request_number(event("{\"ref\":\"refs/heads/main\"}"), {}); }) ==
          ErrorKind::usage);
    CHECK(kind_of([] { pull_request_number(environment_from({}), {}); }) == ErrorKind::usage);
  }
  SECTION("an unreadable event file is an input error") {
    CHECK(kind_of([&] { pull_request_number(event("not json"), {}); }) == ErrorKind::input);
    CHECK(kind_of([&] {
            pull_request_number(environment_from({{"GITHUB_EVENT_PATH", (dir / "none").string()}}),
                                {});
          }) == ErrorKind::input);
  }
}

TEST_CASE("head_sha") {
  TempDir dir;
  const std::string pr_sha(40, 'a'), push_sha(40, 'b');
  write_file(dir / "event.json",
             "{\"pull_request\":{\"number\":3,\"head\":{\"sha\":\"" + pr_sha + "\"}}}");
  SECTION("the pull request's head, not the merge commit in GITHUB_SHA") {
    CHECK(head_sha(environment_from({{"GITHUB_EVENT_PATH", (dir / "event.json").string()},
                                     {"GITHUB_SHA", push_sha}})) == pr_sha);
  }
  SECTION("GITHUB_SHA otherwise") {
    CHECK(head_sha(environment_from({{"GITHUB_SHA", push_sha}})) == push_sha);
  }
  SECTION("no commit, or not a commit id") {
    CHECK(kind_of([] { head_sha(environment_from({})); }) == ErrorKind::usage);
    CHECK(kind_of([] {
            head_sha(environment_from({{"GITHUB_SHA", "main/../x"}}));
          }) == ErrorKind::usage);
  }
}

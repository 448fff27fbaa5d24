// Upserting the Check Run: list (every page), then PATCH the match or POST.
#include "kvonce/github/checks.hpp"

#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::github {
namespace {

constexpr const char* kCheckRunHint =
    "the token needs checks: write on the repository; a pull request from a fork gets a "
    "read-only token";

// Only an app writes check runs: a run is ours when its app is the token's. Unknown identity:
// none is, and a new run is made.
bool run_of(const nlohmann::json& run, const std::optional<TokenIdentity>& identity) {
  return identity && identity->app_slug &&
         same_name(member_text(run, "app", "slug"), *identity->app_slug);
}

// GitHub accepts ISO 8601 timestamps; whole seconds, as its own examples show.
std::string iso_seconds(std::chrono::system_clock::time_point when) {
  return iso_of(when).substr(0, 19) + "Z";
}

}  // namespace

Published upsert_check_run(Client& github, const std::string& head_sha, const std::string& name,
                           const CheckRunOutput& output,
                           std::chrono::system_clock::time_point completed_at) {
  const std::string repo = "/repos/" + github.api().repository;
  std::uint64_t existing = 0;
  github.each_page(
      repo + "/commits/" + head_sha + "/check-runs?check_name=" + net::percent_encode(name) +
          "&per_page=100",
      [&](const nlohmann::json& page) {
        const auto runs = page.is_object() ? page.find("check_runs") : page.end();
        if (!page.is_object() || runs == page.end() || !runs->is_array()) {
          fail(ErrorKind::fetch, "GitHub API: the check-run list has no check_runs array");
        }
        for (const nlohmann::json& run : *runs) {
          const auto found = run.is_object() ? run.find("name") : run.end();
          if (found != run.end() && found->is_string() && *found == name && id_of(run) != 0 &&
              run_of(run, github.identity())) {
            existing = id_of(run);
            return false;
          }
        }
        return true;
      },
      kCheckRunHint);
  nlohmann::json doc{
      {"name", name},
      {"status", "completed"},
      {"conclusion", output.conclusion},
      {"completed_at", iso_seconds(completed_at)},
      {"output", {{"title", output.title}, {"summary", output.summary}, {"text", output.text}}}};
  if (existing != 0) {
    return published(github.call("PATCH", repo + "/check-runs/" + std::to_string(existing),
                                 dump(doc), kCheckRunHint),
                     false, "check run");
  }
  doc["head_sha"] = head_sha;
  return published(github.call("POST", repo + "/check-runs", dump(doc), kCheckRunHint), true,
                   "check run");
}

}  // namespace kvonce::github

// Upserting the PR comment and the Check Run: list (every page), then PATCH the match or POST.
#include "kvonce/report/publish.hpp"

#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::report {
namespace {

constexpr const char* kCommentHint =
    "the token needs pull-requests: write (or issues: write) on the repository; a pull request "
    "from a fork gets a read-only token";
constexpr const char* kCheckRunHint =
    "the token needs checks: write on the repository; a pull request from a fork gets a "
    "read-only token";

// Invalid UTF-8 (never expected, but traces are untrusted) is replaced rather than thrown on.
std::string dump(const nlohmann::json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::uint64_t id_of(const nlohmann::json& item) {
  const auto it = item.find("id");
  return it != item.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

Published published(const GitHubReply& reply, bool created, const std::string& what) {
  Published out;
  out.created = created;
  out.id = reply.body.is_object() ? id_of(reply.body) : 0;
  if (out.id == 0) fail(ErrorKind::fetch, "GitHub API: the " + what + " reply carries no id");
  const auto url = reply.body.find("html_url");
  if (url != reply.body.end() && url->is_string()) out.url = url->get<std::string>();
  return out;
}

// The string at item[outer][inner], or "" when absent.
std::string member_text(const nlohmann::json& item, const char* outer, const char* inner) {
  const auto o = item.find(outer);
  if (o == item.end() || !o->is_object()) return {};
  const auto i = o->find(inner);
  return i != o->end() && i->is_string() ? i->get<std::string>() : std::string();
}

// GitHub logins and app slugs are case-insensitive.
bool same_name(const std::string& a, const std::string& b) {
  return !a.empty() && to_lower_ascii(a) == to_lower_ascii(b);
}

bool written_by(const nlohmann::json& comment, const TokenIdentity& identity) {
  return same_name(member_text(comment, "user", "login"), identity.login);
}

// Only an app writes check runs: a run is ours when its app is the token's.
bool run_of(const nlohmann::json& run, const TokenIdentity& identity) {
  return identity.app_slug && same_name(member_text(run, "app", "slug"), *identity.app_slug);
}

bool starts_with_marker(const nlohmann::json& comment) {
  const auto body = comment.find("body");
  if (body == comment.end() || !body->is_string()) return false;
  return trim(body->get_ref<const std::string&>()).starts_with(kCommentMarker);
}

// GitHub accepts ISO 8601 timestamps; whole seconds, as its own examples show.
std::string completed_at() {
  return now_iso().substr(0, 19) + "Z";
}

}  // namespace

Published upsert_pr_comment(GitHubClient& github, std::uint64_t pr, const std::string& body) {
  const std::string repo = "/repos/" + github.api().repository;
  std::uint64_t existing = 0;
  github.each_page(
      repo + "/issues/" + std::to_string(pr) + "/comments?per_page=100",
      [&](const nlohmann::json& page) {
        if (!page.is_array())
          fail(ErrorKind::fetch, "GitHub API: the comment list is not an array");
        for (const nlohmann::json& comment : page) {
          // The identity is looked up only when a marked comment needs it.
          if (comment.is_object() && starts_with_marker(comment) && id_of(comment) != 0 &&
              written_by(comment, github.identity())) {
            existing = id_of(comment);
            return false;
          }
        }
        return true;
      },
      kCommentHint);
  const std::string payload = dump(nlohmann::json{{"body", body}});
  if (existing != 0) {
    return published(github.call("PATCH", repo + "/issues/comments/" + std::to_string(existing),
                                 payload, kCommentHint),
                     false, "comment");
  }
  return published(github.call("POST", repo + "/issues/" + std::to_string(pr) + "/comments",
                               payload, kCommentHint),
                   true, "comment");
}

Published upsert_check_run(GitHubClient& github, const std::string& head_sha,
                           const CheckRunContent& content) {
  const std::string repo = "/repos/" + github.api().repository;
  std::uint64_t existing = 0;
  github.each_page(
      repo + "/commits/" + head_sha + "/check-runs?check_name=" + net::percent_encode(kTitle) +
          "&per_page=100",
      [&](const nlohmann::json& page) {
        const auto runs = page.is_object() ? page.find("check_runs") : page.end();
        if (!page.is_object() || runs == page.end() || !runs->is_array()) {
          fail(ErrorKind::fetch, "GitHub API: the check-run list has no check_runs array");
        }
        for (const nlohmann::json& run : *runs) {
          const auto name = run.is_object() ? run.find("name") : run.end();
          if (name != run.end() && name->is_string() && *name == kTitle && id_of(run) != 0 &&
              run_of(run, github.identity())) {
            existing = id_of(run);
            return false;
          }
        }
        return true;
      },
      kCheckRunHint);
  nlohmann::json doc{
      {"name", kTitle},
      {"status", "completed"},
      {"conclusion", content.conclusion},
      {"completed_at", completed_at()},
      {"output", {{"title", content.title}, {"summary", content.summary}, {"text", content.text}}}};
  if (existing != 0) {
    return published(github.call("PATCH", repo + "/check-runs/" + std::to_string(existing),
                                 dump(doc), kCheckRunHint),
                     false, "check run");
  }
  doc["head_sha"] = head_sha;
  return published(github.call("POST", repo + "/check-runs", dump(doc), kCheckRunHint), true,
                   "check run");
}

}  // namespace kvonce::report

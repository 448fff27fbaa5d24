// Upserting the PR comment: list (every page), then PATCH the match or POST.
#include "kvonce/github/comments.hpp"

#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::github {
namespace {

constexpr const char* kCommentHint =
    "the token needs pull-requests: write (or issues: write) on the repository; a pull request "
    "from a fork gets a read-only token";

// Unknown identity: nothing is ours, so a new comment is made rather than one of unknown
// authorship updated.
bool written_by(const nlohmann::json& comment, const std::optional<TokenIdentity>& identity) {
  return identity && same_name(member_text(comment, "user", "login"), identity->login);
}

bool starts_with_marker(const nlohmann::json& comment, std::string_view marker) {
  const auto body = comment.find("body");
  if (body == comment.end() || !body->is_string()) return false;
  return trim(body->get_ref<const std::string&>()).starts_with(marker);
}

}  // namespace

Published upsert_pr_comment(Client& github, std::uint64_t pr, std::string_view marker,
                            const std::string& body) {
  const std::string repo = "/repos/" + github.api().repository;
  std::uint64_t existing = 0;
  github.each_page(
      repo + "/issues/" + std::to_string(pr) + "/comments?per_page=100",
      [&](const nlohmann::json& page) {
        if (!page.is_array())
          fail(ErrorKind::fetch, "GitHub API: the comment list is not an array");
        for (const nlohmann::json& comment : page) {
          // The identity is looked up only when a marked comment needs it.
          if (comment.is_object() && starts_with_marker(comment, marker) && id_of(comment) != 0 &&
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

}  // namespace kvonce::github

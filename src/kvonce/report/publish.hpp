// Publishing the report on GitHub: the PR comment (found by its marker and author, updated in
// place) and the Check Run (found by its name and app on the commit, updated in place).
#pragma once

#include <cstdint>
#include <string>

#include "kvonce/report/github_client.hpp"
#include "kvonce/report/writers.hpp"

namespace kvonce::report {

struct Published {
  bool created = false;  // false: an existing one was updated
  std::uint64_t id = 0;
  std::string url;  // html_url, "" when GitHub did not say
};

// Lists every page of the pull request's comments for one whose body starts with the marker
// (kCommentMarker) and whose author is the token's identity, PATCHes the first found, else POSTs
// a new comment: a marked comment someone else wrote is never taken over.
Published upsert_pr_comment(GitHubClient& github, std::uint64_t pr, const std::string& body);

// Finds the Check Run named kTitle on `head_sha` that the token's app created, PATCHes it, else
// POSTs a new one; in both cases
// status completed with the content's conclusion, title, summary and text.
Published upsert_check_run(GitHubClient& github, const std::string& head_sha,
                           const CheckRunContent& content);

}  // namespace kvonce::report

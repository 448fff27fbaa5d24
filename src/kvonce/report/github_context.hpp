// Where the report publishes: the API, repository and token from the Actions environment, the
// pull request number and head commit from the event that triggered the workflow.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "kvonce/github/client.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::report {

// GITHUB_TOKEN (required: Error(auth) when unset), GITHUB_REPOSITORY ("owner/name": Error(usage)
// when unset or malformed) and GITHUB_API_URL (default https://api.github.com).
github::Api github_api_from(const Environment& env);

// The pull request number: `flag` when given, else the event in GITHUB_EVENT_PATH
// (pull_request.number, or issue.number of a comment on a pull request). Error(usage) when none.
std::uint64_t pull_request_number(const Environment& env, std::optional<std::uint64_t> flag);

// The commit a Check Run belongs to: pull_request.head.sha of the event, else GITHUB_SHA.
// Error(usage) when neither gives a hexadecimal commit id.
std::string head_sha(const Environment& env);

}  // namespace kvonce::report

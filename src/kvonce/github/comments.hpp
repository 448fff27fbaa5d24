// The pull request comment the report keeps up to date: found by its marker and author, updated
// in place.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "kvonce/github/client.hpp"
#include "kvonce/github/published.hpp"

namespace kvonce::github {

// Lists every page of the pull request's comments for one whose body starts with `marker` and
// whose author is the token's identity, PATCHes the first found, else POSTs a new comment: a
// marked comment someone else wrote is never taken over.
Published upsert_pr_comment(Client& github, std::uint64_t pr, std::string_view marker,
                            const std::string& body);

}  // namespace kvonce::github

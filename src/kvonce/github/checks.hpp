// The Check Run the report keeps up to date on a commit: found by its name and app, updated in
// place.
#pragma once

#include <chrono>
#include <string>

#include "kvonce/github/client.hpp"
#include "kvonce/github/published.hpp"

namespace kvonce::github {

// What a Check Run shows.
struct CheckRunOutput {
  std::string conclusion;  // success, failure or neutral
  std::string title;
  std::string summary;
  std::string text;
};

// Finds the Check Run called `name` on `head_sha` that the token's app created, PATCHes it, else
// POSTs a new one; in both cases status completed at `completed_at` with the output's
// conclusion, title, summary and text.
Published upsert_check_run(Client& github, const std::string& head_sha, const std::string& name,
                           const CheckRunOutput& output,
                           std::chrono::system_clock::time_point completed_at);

}  // namespace kvonce::github

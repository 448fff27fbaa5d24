// The `report` step: a trace directory -> Step Summary, PR comment, step outputs, and (on
// request) the comment and Check Run published on GitHub.
//
// Local documents are written first, so a failing API call still leaves the summary and outputs
// in place. Everything the API calls need (token, repository, pull request, commit) is resolved
// before the first call, so a usage error publishes nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/github/published.hpp"
#include "kvonce/net/http.hpp"
#include "kvonce/report/metadata_for.hpp"
#include "kvonce/report/model.hpp"
#include "kvonce/report/trace_link.hpp"
#include "kvonce/transfer/retry.hpp"
#include "kvonce/util/clock.hpp"
#include "kvonce/util/environment.hpp"
#include "kvonce/util/output_dir.hpp"

namespace kvonce::report {

struct ReportOptions {
  std::filesystem::path trace_dir = trace_dir::kDefault;
  std::optional<std::string> step_summary;  // appended to; default $GITHUB_STEP_SUMMARY
  std::optional<std::string> pr_comment;    // the comment body, written atomically
  // run: the trace directory, already open. Without pr_comment, the comment body is written in it
  // as kvonce-pr-comment.md, a name the tool chose (never written through a link).
  std::optional<OutputDir> tree;
  std::optional<std::string> github_output;  // appended to; default $GITHUB_OUTPUT
  bool post_comment = false;
  bool check_run = false;
  std::optional<std::string> app_slug = {};  // the token's GitHub App (github::Api::app_slug)
  std::optional<std::uint64_t> pr;           // default: the pull_request event
  std::size_t max_issues = 10;  // per mode in the Step Summary (the comment shows <= 10)
  std::optional<MetadataRequest> metadata_for;
  // Read a validation without an "outputSet" record (the old pipeline's files) as unchecked,
  // rather than refuse it.
  bool accept_unrecorded = false;
  std::optional<TraceLinkTemplate> trace_link;  // links issues to their traces when set
  transfer::RetryPolicy retry{3,  1000, 60'000,
                              {}, {},   {}};  // GitHub asks for up to a minute's wait
  Clock clock;                                // stamps the Check Run's completed_at
};

struct ReportOutcome {
  Report report;
  Overall verdict = Overall::missing;
  std::optional<github::Published> comment;
  std::optional<github::Published> check_run;
};

// `log` receives one line per document written or published (never a secret).
ReportOutcome run_report(const ReportOptions& options, const Environment& env,
                         net::HttpTransport& transport,
                         const std::function<void(const std::string&)>& log = {});

}  // namespace kvonce::report

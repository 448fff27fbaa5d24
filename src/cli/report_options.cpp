#include "cli/report_options.hpp"

namespace kvonce::cli {

void add_report_options(CLI::App& cmd, report::ReportOptions& o) {
  cmd.add_option("--step-summary", o.step_summary,
                 "Append the summary to this file (default: $GITHUB_STEP_SUMMARY when set)")
      ->type_name("FILE");
  cmd.add_option("--pr-comment", o.pr_comment, "Write the PR comment body (Markdown) here")
      ->type_name("FILE");
  cmd.add_flag("--post-comment", o.post_comment,
               "Create the PR comment through the GitHub API, or update the one this token wrote "
               "(GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL)");
  cmd.add_option("--pr", o.pr, "Pull request number (default: from GITHUB_EVENT_PATH)")
      ->check(CLI::PositiveNumber.description(""))
      ->type_name("N");
  cmd.add_flag("--check-run", o.check_run,
               "Create the Check Run \"KvOnce Trace Validation\" on the head commit, or update the "
               "one this token's app created");
  cmd.add_option("--app-slug", o.app_slug,
                 "The GitHub App the token belongs to (its comments are by SLUG[bot]); default: "
                 "asked of the GraphQL API, and a new comment and Check Run when it cannot say")
      ->type_name("SLUG");
  cmd.add_option("--github-output", o.github_output,
                 "Append the step outputs to this file (default: $GITHUB_OUTPUT when set)")
      ->type_name("FILE");
  cmd.add_option("--max-issues", o.max_issues,
                 "Issues listed per mode in the Step Summary (0 to 100000)")
      ->check(CLI::Range(0, 100000).description(""))
      ->type_name("N")
      ->capture_default_str();
  add_trace_link(cmd, o.trace_link);
}

void add_trace_link(CLI::App& cmd, std::optional<report::TraceLinkTemplate>& link) {
  cmd.add_option_function<std::string>(
         report::kTraceLinkOption,
         [&link](const std::string& text) {
           link = report::TraceLinkTemplate::parse(text, report::kTraceLinkOption);
         },
         "Link each issue to its trace: an https:// URL with {traceId} and {spanId}, e.g. "
         "https://jaeger.example/trace/{traceId} (default: $KVONCE_TRACE_LINK)")
      ->type_name("TEMPLATE");
}

void default_trace_link(std::optional<report::TraceLinkTemplate>& link, const Environment& env) {
  if (!link) link = report::trace_link_from(std::nullopt, env);
}

}  // namespace kvonce::cli

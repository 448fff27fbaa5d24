// The report step: resolve, load, write the local documents, then publish.
#include "kvonce/report/run_report.hpp"

#include <algorithm>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/github/checks.hpp"
#include "kvonce/github/comments.hpp"
#include "kvonce/report/append_file.hpp"
#include "kvonce/report/github_context.hpp"
#include "kvonce/report/load.hpp"
#include "kvonce/report/output_set_check.hpp"
#include "kvonce/report/writers.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::report {
namespace {

// What the API calls need, resolved before any of them is made.
struct Publishing {
  github::Api api;
  std::uint64_t pr = 0;
  std::string sha;
};

std::optional<Publishing> resolve_publishing(const ReportOptions& o, const Environment& env) {
  if (!o.post_comment && !o.check_run) return std::nullopt;
  Publishing p;
  p.api = github_api_from(env);
  p.api.app_slug = o.app_slug;
  if (o.post_comment) p.pr = pull_request_number(env, o.pr);
  if (o.check_run) p.sha = head_sha(env);
  return p;
}

std::string where(const github::Published& p) {
  return "#" + std::to_string(p.id) + (p.url.empty() ? "" : " " + console_escape(p.url));
}

}  // namespace

ReportOutcome run_report(const ReportOptions& o, const Environment& env,
                         net::HttpTransport& transport,
                         const std::function<void(const std::string&)>& log) {
  const auto say = [&](const std::string& line) {
    if (log) log(line);
  };
  const std::optional<Publishing> publishing = resolve_publishing(o, env);
  if (o.metadata_for) {
    write_metadata_for(*o.metadata_for, o.trace_dir, now(o.clock));
    say("report: wrote " + console_escape((o.trace_dir / trace_dir::kMetadataFile).string()));
  }

  ReportOutcome out;
  LoadOptions load;
  load.keep_issues = std::clamp<std::size_t>(o.max_issues, load.keep_issues, 5000);
  out.report = load_report(o.trace_dir, load);
  out.report.trace_link = o.trace_link;
  check_output_sets(o.trace_dir, out.report, o.accept_unrecorded);
  out.verdict = overall(out.report);

  if (const auto path = o.step_summary ? o.step_summary : env("GITHUB_STEP_SUMMARY")) {
    append_to_file(*path, step_summary_markdown(out.report, o.max_issues));
    say("report: step summary appended to " + console_escape(*path));
  }
  if (o.pr_comment || o.tree) {
    const OutputPath comment =
        o.pr_comment ? OutputPath(*o.pr_comment) : OutputPath(*o.tree, trace_dir::kPrCommentFile);
    write_file_atomically(comment, pr_comment_markdown(out.report, o.max_issues));
    say("report: PR comment written to " + console_escape(comment.path().string()));
  }
  if (const auto path = o.github_output ? o.github_output : env("GITHUB_OUTPUT")) {
    append_to_file(*path, github_outputs_text(out.report));
    say("report: outputs appended to " + console_escape(*path));
  }
  if (!publishing) return out;

  transfer::RetryPolicy retry = o.retry;
  if (!retry.log) retry.log = say;
  if (!retry.clock) retry.clock = o.clock;
  github::Client github(transport, publishing->api, retry);
  if (o.post_comment) {
    out.comment = github::upsert_pr_comment(github, publishing->pr, kCommentMarker,
                                            pr_comment_markdown(out.report, o.max_issues));
    say(std::string("report: PR comment ") + (out.comment->created ? "created " : "updated ") +
        where(*out.comment) + " on pull request #" + std::to_string(publishing->pr));
  }
  if (o.check_run) {
    const CheckRunContent content = check_run_content(out.report);
    out.check_run =
        github::upsert_check_run(github, publishing->sha, kTitle, content, now(o.clock));
    say(std::string("report: check run ") + (out.check_run->created ? "created " : "updated ") +
        where(*out.check_run) + " (" + content.conclusion + ") on " +
        console_escape(publishing->sha));
  }
  return out;
}

}  // namespace kvonce::report

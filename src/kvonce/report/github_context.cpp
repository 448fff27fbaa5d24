// The Actions environment and event file -> API settings, pull request number, head commit.
#include "kvonce/report/github_context.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "kvonce/util/error.hpp"

namespace kvonce::report {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// "owner/name" with GitHub's characters only, so it can go into a URL path as it is.
bool is_repository(const std::string& s) {
  const std::size_t slash = s.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == s.size()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i != slash && !is_name_char(s[i])) return false;
  }
  return s.substr(slash + 1) != "." && s.substr(slash + 1) != "..";
}

bool is_commit_id(const std::string& s) {
  if (s.size() != 40 && s.size() != 64) return false;
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}

// The event that triggered the workflow, or null when GITHUB_EVENT_PATH is unset.
nlohmann::json read_event(const Environment& env) {
  const auto path = env("GITHUB_EVENT_PATH");
  if (!path) return nullptr;
  constexpr std::uintmax_t kMaxEventBytes = 64u << 20;
  std::error_code ec;
  const std::uintmax_t size = std::filesystem::file_size(*path, ec);
  std::ifstream in(*path, std::ios::binary);
  if (ec || !in) fail(ErrorKind::input, "GITHUB_EVENT_PATH " + *path + ": cannot be read");
  if (size > kMaxEventBytes) fail(ErrorKind::limit, "GITHUB_EVENT_PATH " + *path + ": too large");
  std::ostringstream text;
  text << in.rdbuf();
  nlohmann::json event = nlohmann::json::parse(text.str(), nullptr, false);
  if (!event.is_object())
    fail(ErrorKind::input, "GITHUB_EVENT_PATH " + *path + ": not a JSON object");
  return event;
}

const nlohmann::json* member(const nlohmann::json& doc, const char* name) {
  if (!doc.is_object()) return nullptr;
  const auto it = doc.find(name);
  return it == doc.end() ? nullptr : &*it;
}

}  // namespace

github::Api github_api_from(const Environment& env) {
  github::Api api;
  const auto token = env("GITHUB_TOKEN");
  if (!token) {
    fail(ErrorKind::auth,
         "GITHUB_TOKEN is not set: --post-comment and --check-run need a token "
         "(pull-requests: write, checks: write)");
  }
  api.token = *token;
  const auto repository = env("GITHUB_REPOSITORY");
  if (!repository) fail(ErrorKind::usage, "GITHUB_REPOSITORY is not set (owner/name)");
  if (!is_repository(*repository)) {
    fail(ErrorKind::usage, "GITHUB_REPOSITORY \"" + *repository + "\" is not owner/name");
  }
  api.repository = *repository;
  if (const auto base = env("GITHUB_API_URL")) api.base_url = *base;
  while (!api.base_url.empty() && api.base_url.back() == '/') api.base_url.pop_back();
  return api;
}

std::uint64_t pull_request_number(const Environment& env, std::optional<std::uint64_t> flag) {
  if (flag) {
    if (*flag == 0) fail(ErrorKind::usage, "--pr must be a positive pull request number");
    return *flag;
  }
  const nlohmann::json event = read_event(env);
  const nlohmann::json* number = nullptr;
  if (const auto* pr = member(event, "pull_request")) number = member(*pr, "number");
  if (!number) {
    // issue_comment events: an issue that is a pull request carries a pull_request member.
    const auto* issue = member(event, "issue");
    if (issue && member(*issue, "pull_request")) number = member(*issue, "number");
  }
  if (!number || !number->is_number_unsigned() || number->get<std::uint64_t>() == 0) {
    fail(ErrorKind::usage,
         "no pull request number: pass --pr N, or run on a pull_request event "
         "(GITHUB_EVENT_PATH)");
  }
  return number->get<std::uint64_t>();
}

std::string head_sha(const Environment& env) {
  const nlohmann::json event = read_event(env);
  std::string sha;
  if (const auto* pr = member(event, "pull_request")) {
    if (const auto* head = member(*pr, "head")) {
      if (const auto* s = member(*head, "sha"); s && s->is_string()) sha = s->get<std::string>();
    }
  }
  if (sha.empty()) sha = env("GITHUB_SHA").value_or("");
  if (!is_commit_id(sha)) {
    fail(ErrorKind::usage,
         sha.empty() ? "no commit for the Check Run: neither a pull_request "
                       "event (GITHUB_EVENT_PATH) nor GITHUB_SHA gives one"
                     : "the Check Run's commit \"" + sha.substr(0, 80) + "\" is not a commit id");
  }
  return sha;
}

}  // namespace kvonce::report

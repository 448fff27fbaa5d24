#include "kvonce/fetch/github_artifact.hpp"

#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "kvonce/fetch/retry.hpp"
#include "kvonce/fetch/service_error.hpp"
#include "kvonce/fetch/verified_file.hpp"
#include "kvonce/fetch/zip_extract.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::fetch {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxPages = 50;
constexpr std::size_t kMaxListingBytes = 16 << 20;

struct Artifact {
  std::uint64_t id = 0;
  std::uint64_t run_id = 0;
  std::string created_at;
};

struct Api {
  std::string base;  // https://api.github.com, no trailing slash
  std::string repo;  // owner/name
  std::string token;
};

bool valid_repo(const std::string& repo) {
  const auto slash = repo.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == repo.size()) return false;
  for (std::size_t i = 0; i < repo.size(); ++i) {
    const char c = repo[i];
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                    c == '.' || (c == '/' && i == slash);
    if (!ok) return false;
  }
  return true;
}

Api api_from(const Environment& env) {
  Api api;
  api.base = env("GITHUB_API_URL").value_or("https://api.github.com");
  while (api.base.ends_with("/")) api.base.pop_back();
  api.repo = env("GITHUB_REPOSITORY").value_or("");
  if (!valid_repo(api.repo)) {
    fail(ErrorKind::usage, "--artifact needs GITHUB_REPOSITORY=owner/name (set in GitHub Actions)");
  }
  const auto token = env("GITHUB_TOKEN");
  if (!token) {
    fail(ErrorKind::auth,
         "--artifact needs GITHUB_TOKEN (a token with the actions: read "
         "permission; in a workflow: env: GITHUB_TOKEN: ${{ github.token }})");
  }
  api.token = *token;
  return api;
}

net::HttpRequest api_request(const Api& api, const std::string& url, const DownloadPolicy& p) {
  net::HttpRequest request;
  request.url = url;
  request.headers = {{"Authorization", "Bearer " + api.token},
                     {"Accept", "application/vnd.github+json"},
                     {"X-GitHub-Api-Version", "2022-11-28"}};
  request.connect_timeout_ms = p.connect_timeout_ms;
  request.timeout_ms = p.timeout_ms;
  request.allow_plain_http = p.allow_plain_http;
  return request;
}

std::string github_hint(const net::HttpResponse& response, const Api& api) {
  if (response.status == 401) return "GITHUB_TOKEN was rejected (wrong or expired token)";
  if (response.status == 403 && !is_rate_limited(response)) {
    return "the token lacks the actions: read permission (permissions: actions: read)";
  }
  if (response.status == 404) {
    return "repository " + api.repo + " (or the run) is not found or not visible to the token";
  }
  return {};
}

std::uint64_t number_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

// Adds the unexpired artifacts called `name` of one page; returns how many entries the page had.
std::size_t collect(const nlohmann::json& page, const std::string& name, std::vector<Artifact>& out,
                    std::uint64_t& total) {
  total = number_at(page, "total_count");
  const auto list = page.find("artifacts");
  if (list == page.end() || !list->is_array()) return 0;
  for (const auto& a : *list) {
    if (!a.is_object() || a.value("name", std::string()) != name || a.value("expired", false)) {
      continue;
    }
    Artifact artifact;
    artifact.id = number_at(a, "id");
    artifact.created_at = a.value("created_at", std::string());
    if (const auto run = a.find("workflow_run"); run != a.end() && run->is_object()) {
      artifact.run_id = number_at(*run, "id");
    }
    if (artifact.id != 0) out.push_back(artifact);
  }
  return list->size();
}

std::vector<Artifact> list_artifacts(const Api& api, const std::string& name,
                                     const std::optional<std::string>& run_id,
                                     net::HttpTransport& transport, const DownloadPolicy& policy) {
  const std::string path = run_id ? "/repos/" + api.repo + "/actions/runs/" + *run_id + "/artifacts"
                                  : "/repos/" + api.repo + "/actions/artifacts";
  const std::string label = "GitHub artifacts of " + api.repo;
  std::vector<Artifact> found;
  std::size_t seen = 0;
  for (int page = 1; page <= kMaxPages; ++page) {
    const std::string url = api.base + path + "?name=" + net::percent_encode(name) +
                            "&per_page=100&page=" + std::to_string(page);
    std::string body;
    const auto make = [&] {
      body.clear();
      return api_request(api, url, policy);
    };
    const net::BodySink sink = [&](std::string_view chunk) {
      if (body.size() + chunk.size() > kMaxListingBytes) {
        fail(ErrorKind::limit, label + ": the artifact listing is larger than 16 MiB");
      }
      body.append(chunk);
      return true;
    };
    const auto response =
        perform_with_retries(transport, make, retry_policy_of(policy), label, nullptr, sink);
    if (response.status != 200) throw_http_error(response, label, github_hint(response, api));
    const auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      fail(ErrorKind::fetch, label + ": the API answered something that is not a JSON object");
    }
    std::uint64_t total = 0;
    const std::size_t entries = collect(doc, name, found, total);
    seen += entries;
    if (entries == 0 || seen >= total) break;
  }
  return found;
}

const Artifact& newest(const std::vector<Artifact>& artifacts) {
  const auto key = [](const Artifact& a) {
    return std::make_pair(parse_iso_nanos(a.created_at).value_or(0), a.id);
  };
  const Artifact* best = &artifacts.front();
  for (const auto& a : artifacts) {
    if (key(a) > key(*best)) best = &a;
  }
  return *best;
}

// Removes the downloaded archive on every way out.
struct TempFile {
  fs::path path;
  ~TempFile() {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

}  // namespace

ArtifactFetch fetch_github_artifact(const std::string& name,
                                    const std::optional<std::string>& run_id,
                                    const Environment& env, net::HttpTransport& transport,
                                    const fs::path& target, const DownloadPolicy& policy) {
  if (name.empty()) fail(ErrorKind::usage, "--artifact needs a name");
  if (run_id && (run_id->empty() || run_id->find_first_not_of("0123456789") != std::string::npos)) {
    fail(ErrorKind::usage, "--run-id must be a number");
  }
  const Api api = api_from(env);
  const auto artifacts = list_artifacts(api, name, run_id, transport, policy);
  if (artifacts.empty()) {
    fail(ErrorKind::input, "no unexpired artifact named '" + name + "' in " + api.repo +
                               (run_id ? " (run " + *run_id + ")" : std::string()) +
                               "; check the name and that the producing job uploaded it");
  }
  const Artifact& chosen = newest(artifacts);
  const std::string label =
      api.repo + " artifact '" + name + "' (id " + std::to_string(chosen.id) + ")";
  const std::string zip_url =
      api.base + "/repos/" + api.repo + "/actions/artifacts/" + std::to_string(chosen.id) + "/zip";

  TempFile archive{target.parent_path() /
                   ("." + target.filename().string() + ".artifact-" + std::to_string(::getpid()))};
  DownloadPolicy zip_policy = policy;
  zip_policy.expect_sha256.reset();  // applies to the payload, not to the archive
  const DownloadResult zip = download_to_file(
      transport,
      [&] {
        net::HttpRequest request = api_request(api, zip_url, policy);
        request.follow_redirects = true;  // to the storage host, without the token
        return request;
      },
      archive.path, zip_policy, label);

  ArtifactFetch out;
  std::string entry;
  if (looks_like_zip(archive.path)) {
    ZipExtraction extracted = extract_payload(archive.path, target, policy, label);
    out.download = extracted.file;
    entry = extracted.entry;
  } else {
    // Not a zip (a proxy or stand-in serving the payload itself): the body is the payload.
    if (policy.expect_sha256 && normalise_sha256(*policy.expect_sha256) != zip.sha256) {
      fail(ErrorKind::integrity, label + ": SHA-256 " + zip.sha256 +
                                     " differs from --expect-sha256; the file was not kept");
    }
    std::error_code ec;
    fs::rename(archive.path, target, ec);
    if (ec) fail(ErrorKind::output, target.string() + ": cannot move into place: " + ec.message());
    out.download = zip;
    entry = "body";
  }
  out.download.attempts = zip.attempts;
  out.download.http_status = zip.http_status;
  out.source_detail = api.repo + " artifact " + name + " (id " + std::to_string(chosen.id) +
                      (chosen.run_id ? ", run " + std::to_string(chosen.run_id) : std::string()) +
                      ", " + entry + ")";
  return out;
}

}  // namespace kvonce::fetch

#include "kvonce/github/artifacts.hpp"

#include <vector>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include "kvonce/github/client.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/transfer/verified_file.hpp"
#include "kvonce/transfer/zip_extract.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::github {
namespace fs = std::filesystem;
namespace {

struct Artifact {
  std::uint64_t id = 0;
  std::uint64_t run_id = 0;
  std::string created_at;
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
  api.base_url = env("GITHUB_API_URL").value_or("https://api.github.com");
  api.repository = env("GITHUB_REPOSITORY").value_or("");
  if (!valid_repo(api.repository)) {
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

Limits limits_of(const transfer::DownloadPolicy& policy) {
  return Limits{policy.timeout_ms, policy.connect_timeout_ms, policy.allow_plain_http};
}

AccessHint artifact_hint(const std::string& repo) {
  return AccessHint([repo](long status) -> std::string {
    if (status == 401) return "GITHUB_TOKEN was rejected (wrong or expired token)";
    if (status == 403) {
      return "the token lacks the actions: read permission (permissions: actions: read)";
    }
    return "repository " + repo + " (or the run) is not found or not visible to the token";
  });
}

std::uint64_t number_at(const nlohmann::json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

// Adds the unexpired artifacts called `name` of one page; returns how many entries the page had.
std::size_t collect(const nlohmann::json& page, const std::string& name,
                    std::vector<Artifact>& out) {
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

std::vector<Artifact> list_artifacts(Client& github, const std::string& name,
                                     const std::optional<std::string>& run_id) {
  const std::string& repo = github.api().repository;
  const std::string path = run_id ? "/repos/" + repo + "/actions/runs/" + *run_id + "/artifacts"
                                  : "/repos/" + repo + "/actions/artifacts";
  std::vector<Artifact> found;
  github.each_page(
      path + "?name=" + net::percent_encode(name) + "&per_page=100&page=1",
      [&](const nlohmann::json& page) {
        if (!page.is_object()) {
          fail(ErrorKind::fetch, "GitHub artifacts of " + repo +
                                     ": the API answered something that is not a JSON object");
        }
        return collect(page, name, found) != 0;  // an empty page ends the list, whatever Link says
      },
      artifact_hint(repo));
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
  OutputPath path;
  ~TempFile() { remove_output(path); }
};

// The archive itself: `label` names it; the payload's expected hash does not apply to it.
transfer::DownloadResult download_archive(const Client& github, net::HttpTransport& transport,
                                          std::uint64_t id, const OutputPath& archive,
                                          const transfer::DownloadPolicy& policy,
                                          const std::string& label) {
  const std::string zip_path =
      "/repos/" + github.api().repository + "/actions/artifacts/" + std::to_string(id) + "/zip";
  transfer::DownloadPolicy zip_policy = policy;
  zip_policy.expect_sha256.reset();
  return transfer::download_to_file(
      transport,
      [&] {
        net::HttpRequest request = github.request("GET", zip_path);
        request.follow_redirects = true;  // to the storage host, without the token
        return request;
      },
      archive, zip_policy, label);
}

}  // namespace

ArtifactFetch fetch_artifact(const std::string& name, const std::optional<std::string>& run_id,
                             const Environment& env, net::HttpTransport& transport,
                             const OutputPath& target, const transfer::DownloadPolicy& policy) {
  if (name.empty()) fail(ErrorKind::usage, "--artifact needs a name");
  if (run_id && (run_id->empty() || run_id->find_first_not_of("0123456789") != std::string::npos)) {
    fail(ErrorKind::usage, "--run-id must be a number");
  }
  Client github(transport, api_from(env), transfer::retry_policy_of(policy), limits_of(policy));
  const std::string& repo = github.api().repository;
  const auto artifacts = list_artifacts(github, name, run_id);
  if (artifacts.empty()) {
    fail(ErrorKind::input, "no unexpired artifact named '" + name + "' in " + repo +
                               (run_id ? " (run " + *run_id + ")" : std::string()) +
                               "; check the name and that the producing job uploaded it");
  }
  const Artifact& chosen = newest(artifacts);
  const std::string label =
      repo + " artifact '" + name + "' (id " + std::to_string(chosen.id) + ")";

  // Beside the target, a name of the tool's own as the target is (output_dir.hpp).
  TempFile archive{target.sibling("." + target.path().filename().string() + ".artifact-" +
                                  std::to_string(::getpid()))};
  const transfer::DownloadResult zip =
      download_archive(github, transport, chosen.id, archive.path, policy, label);

  ArtifactFetch out;
  std::string entry;
  if (transfer::looks_like_zip(archive.path.path())) {
    transfer::ZipExtraction extracted =
        transfer::extract_payload(archive.path.path(), target, policy, label);
    out.download = extracted.file;
    entry = extracted.entry;
  } else {
    // Not a zip (a proxy or stand-in serving the payload itself): the body is the payload.
    if (policy.expect_sha256 && transfer::normalise_sha256(*policy.expect_sha256) != zip.sha256) {
      fail(ErrorKind::integrity, label + ": SHA-256 " + zip.sha256 +
                                     " differs from --expect-sha256; the file was not kept");
    }
    move_into_place(archive.path, target);
    out.download = zip;
    entry = "body";
  }
  out.download.attempts = zip.attempts;
  out.download.http_status = zip.http_status;
  out.source_detail = repo + " artifact " + name + " (id " + std::to_string(chosen.id) +
                      (chosen.run_id ? ", run " + std::to_string(chosen.run_id) : std::string()) +
                      ", " + entry + ")";
  return out;
}

}  // namespace kvonce::github

#include "kvonce/fetch/local_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/fetch/metadata.hpp"
#include "kvonce/fetch/verified_file.hpp"
#include "kvonce/payload/file_names.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::fetch {
namespace fs = std::filesystem;
namespace {

constexpr int kMaxDepth = 4;

std::string file_name(const std::string& relative) {
  const auto slash = relative.rfind('/');
  return slash == std::string::npos ? relative : relative.substr(slash + 1);
}

bool looks_like_payload(const std::string& relative) {
  const std::string name = file_name(relative);
  if (to_lower_ascii(name) == trace_dir::kMetadataFile) return false;
  return payload::is_payload_name(name, payload::Picker::fetch);
}

std::string listing(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// The entries whose file name is one of `wanted`; an error when more than one is.
// What the user can do when several files fit: a directory's file can be named with --file; an
// artifact's entries cannot be, so the artifact must change.
std::string how_to_pick(const std::string& where, PayloadContainer container) {
  return container == PayloadContainer::directory
             ? "pass the one to use as --file " + where + "/<name>"
             : "upload one payload per artifact, or name the one to use "
               "kvonce-otlp-payload.json[.gz]";
}

std::optional<std::string> pick_named(const std::vector<std::string>& names,
                                      std::initializer_list<std::string_view> wanted,
                                      const std::string& where, const std::string& pick) {
  std::vector<std::string> hits;
  for (const auto& n : names) {
    if (std::find(wanted.begin(), wanted.end(), file_name(n)) != wanted.end()) hits.push_back(n);
  }
  if (hits.size() > 1) {
    fail(ErrorKind::input, where + ": several payload files: " + listing(hits) + "; " + pick);
  }
  if (hits.empty()) return std::nullopt;
  return hits.front();
}

}  // namespace

DownloadResult copy_local_file(const fs::path& source, const fs::path& target,
                               const DownloadPolicy& policy) {
  std::error_code ec;
  if (fs::is_directory(source, ec)) {
    fail(ErrorKind::input, source.string() + ": is a directory (use --artifact-dir)");
  }
  std::ifstream in(source, std::ios::binary);
  if (!in) fail(ErrorKind::input, source.string() + ": cannot open: " + std::strerror(errno));
  const std::optional<std::string> expected =
      policy.expect_sha256 ? std::optional(normalise_sha256(*policy.expect_sha256)) : std::nullopt;
  DownloadResult result;
  result.attempts = 1;
  if (fs::exists(target, ec) && fs::equivalent(source, target, ec)) {
    // Copying a file onto itself would truncate it: check it in place instead.
    const PayloadMetadata m = describe_local_file(source, "", "");
    if (policy.max_bytes != 0 && m.size_bytes > policy.max_bytes) {
      fail_over_max_bytes(source.string(), policy.max_bytes);
    }
    if (expected && *expected != m.sha256) {
      fail(ErrorKind::integrity, source.string() + ": SHA-256 " + m.sha256 +
                                     " differs from --expect-sha256 " + *expected);
    }
    result.sha256 = m.sha256;
    result.size_bytes = m.size_bytes;
    result.content_encoding = m.content_encoding == "identity" ? "" : m.content_encoding;
    return result;
  }
  VerifiedFile file(target, policy.max_bytes, source.string());
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    file.write(std::string_view(buf.data(), n));
  }
  if (in.bad()) fail(ErrorKind::input, source.string() + ": read failed");
  result.sha256 = file.commit(expected);
  result.size_bytes = file.size();
  result.content_encoding = file.sniffed_encoding();
  return result;
}

std::string choose_payload(const std::vector<std::string>& names, const std::string& where,
                           PayloadContainer container) {
  const bool directory = container == PayloadContainer::directory;
  const std::string pick = how_to_pick(where, container);
  if (auto hit = pick_named(names, {"kvonce-otlp-payload.json", "kvonce-otlp-payload.json.gz"},
                            where, pick)) {
    return *hit;
  }
  if (auto hit = pick_named(names, {"kvonce-otlp.json", "kvonce-otlp.json.gz"}, where, pick)) {
    return *hit;
  }
  std::vector<std::string> candidates;
  std::copy_if(names.begin(), names.end(), std::back_inserter(candidates), looks_like_payload);
  if (candidates.size() == 1) return candidates.front();
  if (candidates.empty()) {
    fail(ErrorKind::input,
         where + ": no payload file" +
             (directory ? " within " + std::to_string(kMaxDepth) + " directory levels" : "") +
             " (expected kvonce-otlp-payload.json[.gz], kvonce-otlp.json[.gz] or a single "
             ".json, .ndjson, .jsonl, .pb or .binpb file, optionally .gz, or .zst file)");
  }
  fail(ErrorKind::input,
       where + ": several candidate payload files: " + listing(candidates) + "; " + pick);
}

fs::path find_payload_in_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail(ErrorKind::input, dir.string() + ": not a directory");
  std::vector<std::string> names;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) fail(ErrorKind::input, dir.string() + ": cannot list: " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) fail(ErrorKind::input, dir.string() + ": cannot list: " + ec.message());
    if (it.depth() >= kMaxDepth) it.disable_recursion_pending();
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    names.push_back(fs::relative(it->path(), dir, ec).generic_string());
  }
  std::sort(names.begin(), names.end());
  return dir / choose_payload(names, dir.string(), PayloadContainer::directory);
}

}  // namespace kvonce::fetch

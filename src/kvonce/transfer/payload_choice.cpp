// Choosing the payload among the files of an artifact directory or archive.
#include "kvonce/transfer/payload_choice.hpp"

#include <algorithm>
#include <iterator>
#include <optional>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/payload/file_names.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::transfer {
namespace {

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
             (directory ? " within " + std::to_string(kMaxDirectoryDepth) + " directory levels"
                        : "") +
             " (expected kvonce-otlp-payload.json[.gz], kvonce-otlp.json[.gz] or a single "
             ".json, .ndjson, .jsonl, .pb or .binpb file, optionally .gz, or .zst file)");
  }
  fail(ErrorKind::input,
       where + ": several candidate payload files: " + listing(candidates) + "; " + pick);
}

}  // namespace kvonce::transfer

// Local payload sources: a file given by path, and the directory actions/download-artifact
// leaves behind.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kvonce/fetch/download.hpp"

namespace kvonce::fetch {

// Copies `source` to `target` through VerifiedFile (max_bytes, expect_sha256 of the policy;
// retries and timeouts do not apply). Copying a file onto itself only hashes it.
// Error(input) when the source cannot be read.
DownloadResult copy_local_file(const std::filesystem::path& source,
                               const std::filesystem::path& target, const DownloadPolicy& policy);

// Chooses the payload among `names` (relative paths, '/'-separated): kvonce-otlp-payload.json
// or .json.gz, else kvonce-otlp.json or .json.gz (matched on the file name at any depth), else
// the only file that looks like a payload (the names payload/file_names.hpp gives fetch: .json,
// .ndjson, .jsonl, .pb, .binpb, optionally .gz, or any .zst; the metadata file is not one).
// Error(input) listing the candidates when more than one fits, or when none does; `where` names the
// directory or archive in the message, and the message says how to pick one in that kind of
// container.
enum class PayloadContainer { directory, archive };
std::string choose_payload(const std::vector<std::string>& names, const std::string& where,
                           PayloadContainer container = PayloadContainer::directory);

// The payload file in a downloaded artifact directory (regular files only, symlinks ignored,
// searched four levels deep, a limit the message names). Error(input) when the directory is
// missing or choose_payload fails.
std::filesystem::path find_payload_in_directory(const std::filesystem::path& dir);

}  // namespace kvonce::fetch

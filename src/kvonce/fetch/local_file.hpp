// Local payload sources: a file given by path, and the directory actions/download-artifact
// leaves behind.
#pragma once

#include <filesystem>
#include <string>

#include "kvonce/transfer/download.hpp"

namespace kvonce::fetch {

// Copies `source` to `target` through VerifiedFile (max_bytes, expect_sha256 of the policy;
// retries and timeouts do not apply). Copying a file onto itself (a path the user named) only
// hashes it.
// Error(input) when the source cannot be read.
transfer::DownloadResult copy_local_file(const std::filesystem::path& source,
                                         const OutputPath& target,
                                         const transfer::DownloadPolicy& policy);

// The payload file in a downloaded artifact directory (regular files only, symlinks ignored,
// searched four levels deep, a limit the message names). Error(input) when the directory is
// missing or transfer::choose_payload fails.
std::filesystem::path find_payload_in_directory(const std::filesystem::path& dir);

}  // namespace kvonce::fetch

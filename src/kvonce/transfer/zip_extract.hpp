// Taking the payload out of a GitHub artifact zip (libzip).
#pragma once

#include <filesystem>
#include <string>

#include "kvonce/transfer/download.hpp"

namespace kvonce::transfer {

// The version of the libzip the process runs with, e.g. "1.7.3".
std::string libzip_runtime_version();

// True when the file starts with a zip signature (local header or empty-archive end record).
bool looks_like_zip(const std::filesystem::path& file);

struct ZipExtraction {
  DownloadResult file;  // of the extracted payload (sha256, size, sniffed gzip)
  std::string entry;    // its name in the archive
};

// Checks every entry first, then extracts the payload entry (chosen as for an artifact
// directory, see choose_payload) to `target` through VerifiedFile (max_bytes and expect_sha256
// apply to the extracted file). An archive with an entry whose name contains a ".." segment, is
// absolute (or has a drive letter or backslash), or that is a symbolic link is rejected whole:
// Error(input), nothing written. `label` names the archive in messages.
ZipExtraction extract_payload(const std::filesystem::path& zip, const OutputPath& target,
                              const DownloadPolicy& policy, const std::string& label);

}  // namespace kvonce::transfer

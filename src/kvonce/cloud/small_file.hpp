// Reading the small local files credentials live in (token files, key files, INI files).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace kvonce::cloud {

// The whole file, or nullopt when it does not exist. Error(auth) naming `what` and the path
// when it exists but cannot be read or is larger than 1 MiB. The content is never quoted, nor is
// a path the system cannot look up (too long, say): a setting meant to name a credentials file
// sometimes holds the credentials themselves, pasted in place of the path.
std::optional<std::string> read_small_file(const std::filesystem::path& path,
                                           const std::string& what);

}  // namespace kvonce::cloud

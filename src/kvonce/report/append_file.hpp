// Appending a block of text to a file that others also append to ($GITHUB_STEP_SUMMARY,
// $GITHUB_OUTPUT): all of the block or none of it.
#pragma once

#include <filesystem>
#include <string_view>

namespace kvonce::report {

// Appends `text` with one write, creating the file when needed; "-" is standard output. When the
// write fails the file is cut back to its previous size (removed if it was new) and
// Error(output) names it.
void append_to_file(const std::filesystem::path& path, std::string_view text);

}  // namespace kvonce::report

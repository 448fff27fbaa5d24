// Reading an issue's "history" from kvonce-validation.json.
#pragma once

#include <string>
#include <vector>

#include "kvonce/json/reader.hpp"
#include "kvonce/report/model.hpp"

namespace kvonce::report {

// Keeps at most kMaxHistoryEntries entries (the last ones): the file is not trusted to be bounded.
inline constexpr std::size_t kMaxHistoryEntries = 10;

// A scalar member as report text: strings as they are, null (no timestamp) as "", anything else
// as compact JSON (old files may hold numbers where this tool writes strings).
std::string text_value(json::Reader& r);

// The history at the reader's position; anything but an array of objects reads as empty.
std::vector<HistoryEntry> read_history(json::Reader& r);

}  // namespace kvonce::report

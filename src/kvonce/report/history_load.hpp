// Reading an issue's "history" from kvonce-validation.json.
#pragma once

#include <vector>

#include "kvonce/json/reader.hpp"
#include "kvonce/report/model.hpp"

namespace kvonce::report {

// Keeps at most kMaxHistoryEntries entries (the last ones): the file is not trusted to be bounded.
inline constexpr std::size_t kMaxHistoryEntries = 10;

// The history at the reader's position; anything but an array of objects reads as empty.
std::vector<HistoryEntry> read_history(json::Reader& r);

}  // namespace kvonce::report

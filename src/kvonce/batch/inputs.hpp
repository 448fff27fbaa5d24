// Expanding local INPUT arguments into payloads.
//
// A file is one payload whatever its name. A directory is walked recursively (symbolic links to
// directories are not followed) for payload names (payload_ref.hpp). With dates (--from/--to), a
// directory is the root of the kvonce-trace/YYYY/MM/DD/ layout and only
// DIR/kvonce-trace/YYYY/MM/DD/ of each selected day is walked (a day without a directory has no
// payloads); a named file is still taken.
#pragma once

#include <string>
#include <vector>

#include "kvonce/batch/payload_ref.hpp"

namespace kvonce::batch {

// Appends the payloads of one local INPUT to `out`. `dates` ("YYYY-MM-DD", dates.hpp) empty = no
// date filter.
// Error(input) naming the INPUT when it does not exist or a directory cannot be read.
void expand_local_input(const std::string& input, const std::vector<std::string>& dates,
                        std::vector<PayloadRef>& out);

}  // namespace kvonce::batch

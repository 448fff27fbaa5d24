// How `verify` judged a trace directory, read back for `explain --trace-dir`.
//
// Verify records its profile, MAX_RETRIES, order and clock skew at the top of
// kvonce-validation.json. An explanation of a key must judge as that verification did, or it could
// call valid what the report called a violation; options given on the command line still win.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/rules/verify.hpp"
#include "kvonce/steps/prepare.hpp"

namespace kvonce::steps {

struct RecordedJudging {
  std::filesystem::path file;  // the validation file read; empty when there was none
  std::optional<rules::Profile> profile;
  std::optional<std::int64_t> max_retries;
  std::optional<Order> order;
  std::optional<std::uint64_t> clock_skew_ns;
  // Its warnings of a partial trace read with --accept-partial: the events file alone cannot
  // say that the trace it came from was cut.
  std::vector<std::string> partial_warnings;
};

// Reads the validation file beside `events_file` (as trace_dir_events finds it), streaming it to
// its warnings. No file: nothing recorded. A file that is not a validation document:
// Error(input) naming it and the byte offset.
RecordedJudging recorded_judging(const std::filesystem::path& events_file);

}  // namespace kvonce::steps

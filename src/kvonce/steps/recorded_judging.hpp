// How `verify` judged a trace directory, read back for `explain --trace-dir`.
//
// Verify records its profile, MAX_RETRIES, order and clock skew at the top of
// kvonce-validation.json. An explanation of a key must judge as that verification did, or it could
// call valid what the report called a violation; options given on the command line still win.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>

#include "kvonce/rules/verify.hpp"
#include "kvonce/steps/prepare.hpp"

namespace kvonce::steps {

struct RecordedJudging {
  std::filesystem::path file;  // the validation file read; empty when there was none
  std::optional<rules::Profile> profile;
  std::optional<std::int64_t> max_retries;
  std::optional<Order> order;
  std::optional<std::uint64_t> clock_skew_ns;
};

// Reads the validation file beside `events_file` (as trace_dir_events finds it), streaming its
// first members only. No file: nothing recorded. A file that is not a validation document:
// Error(input) naming it and the byte offset.
RecordedJudging recorded_judging(const std::filesystem::path& events_file);

}  // namespace kvonce::steps

// Whether a trace directory holds one run's outputs. fetch, verify and report may run as
// separate processes, and a run that failed half-way may leave files of an earlier run beside
// its own; kvonce-validation.json records the SHA-256 of the payload and of every file written
// with it (output/output_set.hpp), so the report compares contents, not timestamps.
#pragma once

#include <filesystem>

#include "kvonce/report/model.hpp"

namespace kvonce::report {

// Error(input) naming the first disagreement: a file of a mode's set that is missing, changed or
// left over from another run, a mode whose payload is not the metadata's, or two modes that
// verified different payloads. A validation without a record (written by the pipeline this tool
// replaced) is taken as it is.
void check_output_sets(const std::filesystem::path& trace_dir, const PayloadSummary& payload);

}  // namespace kvonce::report

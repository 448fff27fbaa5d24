// Reading a trace directory into the report model.
//
//   <trace-dir>/kvonce-payload-metadata.json   payload source, sha256, size (optional)
//   <trace-dir>/otlp/kvonce-validation.json    the verdict and its issues, per mode
//   <trace-dir>/otlp/kvonce-projection.json    event and key counts, when the validation lacks them
//   <trace-dir>/ndjson/...                     the same for ndjson mode
//
// Reading never throws for what it finds: a missing mode directory is ModeStatus::missing, an
// unreadable or malformed file is ModeStatus::error with the reason (PayloadSummary::error for
// the metadata). The validation and projection files are read with the streaming JSON reader,
// so their size does not matter; only the first keep_issues issues are kept.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/report/model.hpp"

namespace kvonce::report {

struct LoadOptions {
  std::size_t keep_issues = 1000;  // per mode; enough to fill a Check Run's text
  std::size_t keep_warnings = 5;
  io::ReadLimits limits;
};

Report load_report(const std::filesystem::path& trace_dir, const LoadOptions& options = {});

// One mode directory (`mode` names it in the model).
ModeResult load_mode(const std::filesystem::path& mode_dir, const std::string& mode,
                     const LoadOptions& options = {});

// A warning a reviewer must see beside the verdict, kept whatever keep_warnings says: spans that
// share ids but differ (a payload could use them to slip in an event), and a partial trace read
// with --accept-partial (the verdict is of the part returned).
bool qualifies_verdict(std::string_view warning);

// kvonce-payload-metadata.json; `present` is false when the file does not exist.
PayloadSummary load_payload_metadata(const std::filesystem::path& file);

}  // namespace kvonce::report

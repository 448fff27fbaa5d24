// The report options shared by `report` and `run`.
#pragma once

#include <CLI/CLI.hpp>

#include "kvonce/report/run_report.hpp"

namespace kvonce::cli {

void add_report_options(CLI::App& cmd, report::ReportOptions& options);

}  // namespace kvonce::cli

// The report options shared by `report` and `run`, and the trace link of every command that
// shows issues.
#pragma once

#include <optional>

#include <CLI/CLI.hpp>

#include "kvonce/report/run_report.hpp"
#include "kvonce/report/trace_link.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::cli {

void add_report_options(CLI::App& cmd, report::ReportOptions& options);

// --trace-link TEMPLATE, parsed as it is read: a template that breaks the rules of
// report/trace_link.hpp is a usage error before any work is done.
void add_trace_link(CLI::App& cmd, std::optional<report::TraceLinkTemplate>& link);
// Without --trace-link: $KVONCE_TRACE_LINK, parsed (a usage error naming the variable).
void default_trace_link(std::optional<report::TraceLinkTemplate>& link, const Environment& env);

}  // namespace kvonce::cli

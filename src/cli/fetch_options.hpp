// The payload-source options shared by `fetch` and `run`.
#pragma once

#include <CLI/CLI.hpp>

#include "kvonce/fetch/fetch.hpp"

namespace kvonce::cli {

// `with_file`: also --file (run takes a local payload as --input instead).
void add_source_options(CLI::App& cmd, fetch::FetchOptions& options, bool with_file = true);
void add_cloud_options(CLI::App& cmd, fetch::FetchOptions& options);

}  // namespace kvonce::cli

// Options shared by several subcommands, with one spelling and one help text each.
#pragma once

#include <cstdint>
#include <optional>

#include <CLI/CLI.hpp>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/privacy/masking.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/steps/prepare.hpp"

namespace kvonce::cli {

void add_read_limits(CLI::App& cmd, io::ReadLimits& limits);
// --max-output-bytes: the bound on the output set (none: the default of output_budget.hpp).
void add_max_output_bytes(CLI::App& cmd, std::optional<std::uint64_t>& max);
void add_order(CLI::App& cmd, steps::Order& order);
void add_format(CLI::App& cmd, payload::Format& format);
void add_rules(CLI::App& cmd, rules::VerifyOptions& rules);
void add_masking(CLI::App& cmd, privacy::MaskOptions& mask);

}  // namespace kvonce::cli

// Options shared by several subcommands, with one spelling and one help text each.
#pragma once

#include <CLI/CLI.hpp>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/privacy/masking.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/steps/prepare.hpp"

namespace kvonce::cli {

void add_read_limits(CLI::App& cmd, io::ReadLimits& limits);
void add_order(CLI::App& cmd, steps::Order& order);
// --order for a command that judges: without --order, the profile's own order
// (steps::default_order), set once the command line is parsed.
void add_judging_order(CLI::App& cmd, steps::Order& order, const rules::VerifyOptions& rules);
void add_format(CLI::App& cmd, payload::Format& format);
void add_rules(CLI::App& cmd, rules::VerifyOptions& rules);
void add_masking(CLI::App& cmd, privacy::MaskOptions& mask);

}  // namespace kvonce::cli

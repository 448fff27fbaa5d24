// Options shared by several subcommands, with one spelling and one help text each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/privacy/masking.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/steps/prepare.hpp"
#include "kvonce/util/console_style.hpp"

namespace kvonce::cli {

// --timeout: 0 (none) or 0.001 to 86400 seconds; NaN, infinities and negatives are refused.
const CLI::Validator& timeout_seconds();

// --resolve: "host:port:address[,address...]" as curl takes it, each address an IPv4 or
// [IPv6] literal.
const CLI::Validator& resolve_entry();

// An option holding a byte size: "10MiB", "1GB" or plain bytes (byte_size.hpp), its default
// shown in those units.
CLI::Option* add_byte_size(CLI::App& cmd, const std::string& name, std::uint64_t& bytes,
                           const std::string& description);

void add_read_limits(CLI::App& cmd, io::ReadLimits& limits);
// --max-output-bytes: the bound on the output set (none: the default of output_budget.hpp).
void add_max_output_bytes(CLI::App& cmd, std::optional<std::uint64_t>& max);
void add_order(CLI::App& cmd, steps::Order& order);
// --order for a command that judges: without --order, the profile's own order
// (steps::default_order), set once the command line is parsed.
// --clock-skew DURATION (realtime only) sets rules.clock_skew_ns; combinations the profile or
// order cannot take are usage errors.
void add_judging_order(CLI::App& cmd, steps::Order& order, rules::VerifyOptions& rules);
void add_format(CLI::App& cmd, payload::Format& format);
// --accept-partial: read a Tempo v2 response whose status is PARTIAL, with a warning.
void add_accept_partial(CLI::App& cmd, bool& accept);
void add_rules(CLI::App& cmd, rules::VerifyOptions& rules);
void add_masking(CLI::App& cmd, privacy::MaskOptions& mask);

// What a command prints besides its errors, and in which colours.
struct ConsoleOptions {
  bool quiet = false;  // --quiet: errors only
  ColourChoice colour = ColourChoice::automatic;
};
// --quiet and --color auto|always|never.
void add_console_options(CLI::App& cmd, ConsoleOptions& console);

// Error(usage) when "-" (standard input) is among the inputs more than once: the second would
// read nothing and judge a payload cut in two.
void check_stdin_once(const std::vector<std::string>& inputs);

}  // namespace kvonce::cli

// One registration function per subcommand; each binds options into its step's options struct
// and sets the exit code when the subcommand runs.
#pragma once

#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "kvonce/net/url.hpp"

#include "cli/app.hpp"

namespace kvonce::cli {

// The host's streams under short names, and the exit code the command sets.
struct Console {
  std::ostream& out;
  std::ostream& err;
  const Host& host;
  int exit_code = 0;

  std::unique_ptr<net::HttpTransport> transport(bool allow_plain_http) const {
    return host.transport(net::outbound_policy_from(host.env, allow_plain_http));
  }
};

void add_prepare_command(CLI::App& app, Console& console);
void add_verify_command(CLI::App& app, Console& console);
void add_explain_command(CLI::App& app, Console& console);
void add_run_command(CLI::App& app, Console& console);
void add_receive_command(CLI::App& app, Console& console);
void add_fetch_command(CLI::App& app, Console& console);
void add_report_command(CLI::App& app, Console& console);
void add_batch_command(CLI::App& app, Console& console);
void add_completion_command(CLI::App& app, Console& console);

}  // namespace kvonce::cli

namespace kvonce::steps {
struct VerifyOutcome;
struct VerifyOptions;
}  // namespace kvonce::steps

namespace kvonce::cli {
struct ConsoleOptions;

// 0 conformant, 1 violations, 2 no events.
int verdict_exit_code(const steps::VerifyOutcome& outcome);
// The verdict's summary on stdout, or on stderr when `on_stderr` (that stream's terminal decides
// the colour); with --quiet, only the line that explains exit 2 (no events), on stderr.
void print_verdict(const steps::VerifyOutcome& outcome, const steps::VerifyOptions& shown,
                   const ConsoleOptions& options, Console& console, bool on_stderr = false);
}  // namespace kvonce::cli

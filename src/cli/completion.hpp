// Shell completion scripts for bash, zsh and fish, generated from the CLI11 description of the
// command line itself, so that they list exactly the subcommands and options that exist.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace kvonce::cli {

// The completion script of `shell` ("bash", "zsh" or "fish") for the command tree under `root`.
std::string completion_script(const CLI::App& root, const std::string& shell);

}  // namespace kvonce::cli

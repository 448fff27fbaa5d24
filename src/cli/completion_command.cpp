// `kvonce-trace completion SHELL`: prints a completion script for bash, zsh or fish.
#include <memory>

#include "cli/commands.hpp"
#include "cli/completion.hpp"
#include "cli/exit_codes.hpp"

namespace kvonce::cli {
namespace {

constexpr const char* kInstall = R"(Install:
  bash  kvonce-trace completion bash > ~/.local/share/bash-completion/completions/kvonce-trace
  zsh   kvonce-trace completion zsh > "${fpath[1]}/_kvonce-trace"   (then: compinit)
  fish  kvonce-trace completion fish > ~/.config/fish/completions/kvonce-trace.fish)";

}  // namespace

void add_completion_command(CLI::App& app, Console& console) {
  auto shell = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("completion", "Print a shell completion script");
  set_footer(*cmd, kInstall, {{ExitCode::ok, "the script was printed"}});
  cmd->add_option("SHELL", *shell, "bash, zsh or fish")
      ->required()
      ->type_name("bash|zsh|fish")
      ->check(CLI::IsMember({"bash", "zsh", "fish"}).description(""));
  cmd->callback([shell, &app, &console] {
    console.out << completion_script(app, *shell);
    console.exit_code = 0;
  });
}

}  // namespace kvonce::cli

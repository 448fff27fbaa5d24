#include "cli/completion.hpp"

#include <sstream>

namespace kvonce::cli {
namespace {

// One option as the scripts need it, read from CLI11's own description of the command line, so
// completions never drift from the options that exist.
struct OptionInfo {
  std::vector<std::string> names;  // "-i", "--input"
  std::string description;
  bool takes_value = false;
  std::vector<std::string> choices;  // from a type name such as "otlp|ndjson|auto"
};

struct CommandInfo {
  std::string path;  // "verify", "batch merge"
  std::string name;  // "merge"
  std::string description;
  std::vector<OptionInfo> options;
  std::vector<std::string> subcommands;
  std::vector<std::string> argument_choices;  // a positional argument's closed list of values
  bool file_arguments = false;                // a positional argument that names files
};

std::vector<std::string> split_choices(const std::string& type_name) {
  std::vector<std::string> out;
  if (type_name.find('|') == std::string::npos) return out;
  std::string part;
  for (const char c : type_name) {
    if (c == '|') {
      out.push_back(part);
      part.clear();
    } else if (c == ' ' || c == ':' || c == '\'' || c == '"') {
      return {};  // not a plain list of words
    } else {
      part += c;
    }
  }
  out.push_back(part);
  return out;
}

OptionInfo option_info(const CLI::Option& o) {
  OptionInfo info;
  for (const auto& s : o.get_snames()) info.names.push_back("-" + s);
  for (const auto& l : o.get_lnames()) info.names.push_back("--" + l);
  info.description = o.get_description();
  info.takes_value = o.get_items_expected_max() > 0;
  if (info.takes_value) info.choices = split_choices(o.get_type_name());
  return info;
}

void collect(const CLI::App& app, const std::string& path, std::vector<CommandInfo>& out) {
  CommandInfo info{path, app.get_name(), app.get_description(), {}, {}, {}, false};
  for (const CLI::Option* o : app.get_options()) {
    if (o->nonpositional()) {
      info.options.push_back(option_info(*o));
    } else {
      const std::vector<std::string> choices = split_choices(o->get_type_name());
      info.argument_choices.insert(info.argument_choices.end(), choices.begin(), choices.end());
      info.file_arguments = info.file_arguments || choices.empty();
    }
  }
  for (const CLI::App* sub : app.get_subcommands({})) info.subcommands.push_back(sub->get_name());
  out.push_back(info);
  for (const CLI::App* sub : app.get_subcommands({})) {
    collect(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
  }
}

std::vector<CommandInfo> commands_of(const CLI::App& root) {
  std::vector<CommandInfo> out;
  collect(root, "", out);
  return out;
}

bool is_child(const CommandInfo& parent, const CommandInfo& c) {
  return !c.path.empty() && c.path == (parent.path.empty() ? c.name : parent.path + " " + c.name);
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

// Single-quoted for a POSIX shell and for fish: ' becomes '\''  (fish: \').
std::string sh_quote(const std::string& s, bool fish) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') {
      out += fish ? "\\'" : "'\\''";
    } else if (fish && c == '\\') {
      out += "\\\\";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string join(const std::vector<std::string>& words, const char* sep = " ") {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : sep) + w;
  return out;
}

std::string bash_script(const std::vector<CommandInfo>& commands) {
  std::ostringstream s;
  s << "# bash completion for kvonce-trace (kvonce-trace completion bash)\n"
       "_kvonce_trace() {\n"
       "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} path='' i w\n"
       "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
       "    w=${COMP_WORDS[i]}\n"
       "    case \"$path:$w\" in\n";
  for (const CommandInfo& c : commands) {
    for (const std::string& sub : c.subcommands) {
      const std::string next = c.path.empty() ? sub : c.path + " " + sub;
      s << "      " << sh_quote(c.path + ":" + sub, false) << ") path=" << sh_quote(next, false)
        << " ;;\n";
    }
  }
  s << "    esac\n  done\n  case \"$path:$prev\" in\n";
  for (const CommandInfo& c : commands) {
    for (const OptionInfo& o : c.options) {
      if (!o.takes_value) continue;
      for (const std::string& n : o.names) {
        s << "    " << sh_quote(c.path + ":" + n, false) << ")";
        if (o.choices.empty()) {
          s << " COMPREPLY=($(compgen -f -- \"$cur\")); return ;;\n";
        } else {
          s << " COMPREPLY=($(compgen -W " << sh_quote(join(o.choices), false)
            << " -- \"$cur\")); return ;;\n";
        }
      }
    }
  }
  s << "  esac\n  local flags='' words='' files=0\n  case \"$path\" in\n";
  // Words: options after a '-', else subcommands and argument values, and files where an argument
  // names one.
  for (const CommandInfo& c : commands) {
    std::vector<std::string> flags, words = c.subcommands;
    for (const OptionInfo& o : c.options) flags.insert(flags.end(), o.names.begin(), o.names.end());
    words.insert(words.end(), c.argument_choices.begin(), c.argument_choices.end());
    s << "    " << sh_quote(c.path, false) << ") flags=" << sh_quote(join(flags), false)
      << " words=" << sh_quote(join(words), false) << " files=" << (c.file_arguments ? 1 : 0)
      << " ;;\n";
  }
  s << "  esac\n"
       "  if [[ $cur == -* ]]; then\n"
       "    COMPREPLY=($(compgen -W \"$flags\" -- \"$cur\"))\n"
       "  else\n"
       "    COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
       "    ((files)) && COMPREPLY+=($(compgen -f -- \"$cur\"))\n"
       "  fi\n"
       "}\n"
       "complete -o filenames -F _kvonce_trace kvonce-trace\n";
  return s.str();
}

// zsh: an _arguments spec per command; descriptions escaped for zsh's [...] and :.
std::string zsh_escape(const std::string& text) {
  std::string out;
  for (const char c : first_line(text)) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// _kvonce_trace for the root, _kvonce_trace_batch_merge for `batch merge`.
std::string zsh_function_name(const std::string& path) {
  std::string out = "_kvonce_trace";
  if (!path.empty()) out += '_';
  for (const char c : path) out += (c == ' ' || c == '-') ? '_' : c;
  return out;
}

void zsh_command(std::ostringstream& s, const CommandInfo& c,
                 const std::vector<CommandInfo>& commands) {
  s << zsh_function_name(c.path) << "() {\n  local curcontext=$curcontext state line\n";
  if (!c.subcommands.empty()) {
    s << "  local -a subcommands=(\n";
    for (const CommandInfo& sub : commands) {
      if (is_child(c, sub)) {
        s << "    " << sh_quote(sub.name + ":" + first_line(sub.description), false) << "\n";
      }
    }
    s << "  )\n";
  }
  s << "  _arguments -C -s";
  for (const OptionInfo& o : c.options) {
    const std::string names = o.names.size() > 1 ? "{" + join(o.names, ",") + "}" : o.names[0];
    std::string spec = "[" + zsh_escape(o.description) + "]";
    if (o.takes_value) {
      spec += o.choices.empty() ? ":value:_files" : ":value:(" + join(o.choices) + ")";
    }
    s << " \\\n    " << names << sh_quote(spec, false);
  }
  if (c.subcommands.empty()) {
    if (!c.argument_choices.empty()) {
      s << " \\\n    " << sh_quote("1:argument:(" + join(c.argument_choices) + ")", false);
    }
    s << (c.file_arguments ? " \\\n    '*:file:_files'\n" : "\n");
  } else {
    s << " \\\n    '1: :->command' '*:: :->argument' && return\n"
      << "  case $state in\n"
      << "    command) _describe -t commands command subcommands ;;\n"
      << "    argument)\n      case $line[1] in\n";
    for (const std::string& sub : c.subcommands) {
      const std::string next = c.path.empty() ? sub : c.path + " " + sub;
      s << "        " << sub << ") " << zsh_function_name(next) << " ;;\n";
    }
    s << "      esac ;;\n  esac\n";
  }
  s << "}\n";
}

std::string zsh_script(const std::vector<CommandInfo>& commands) {
  std::ostringstream s;
  s << "#compdef kvonce-trace\n# zsh completion for kvonce-trace (kvonce-trace completion zsh)\n";
  for (const CommandInfo& c : commands) zsh_command(s, c, commands);
  s << "_kvonce_trace \"$@\"\n";
  return s.str();
}

std::string fish_script(const std::vector<CommandInfo>& commands) {
  std::ostringstream s;
  s << "# fish completion for kvonce-trace (kvonce-trace completion fish)\n"
       "complete -c kvonce-trace -f\n";
  for (const CommandInfo& c : commands) {
    // The condition: exactly this command's path has been typed.
    std::string condition;
    if (c.path.empty()) {
      condition = "__fish_use_subcommand";
    } else {
      const std::size_t space = c.path.find(' ');
      const std::string top = c.path.substr(0, space);
      condition = "__fish_seen_subcommand_from " + top;
      if (space == std::string::npos && !c.subcommands.empty()) {
        condition += "; and not __fish_seen_subcommand_from " + join(c.subcommands);
      } else if (space != std::string::npos) {
        condition += "; and __fish_seen_subcommand_from " + c.name;
      }
    }
    for (const CommandInfo& sub : commands) {
      if (!is_child(c, sub)) continue;
      s << "complete -c kvonce-trace -n " << sh_quote(condition, true) << " -a "
        << sh_quote(sub.name, true) << " -d " << sh_quote(first_line(sub.description), true)
        << "\n";
    }
    for (const OptionInfo& o : c.options) {
      s << "complete -c kvonce-trace -n " << sh_quote(condition, true);
      for (const std::string& n : o.names) {
        s << (n.rfind("--", 0) == 0 ? " -l " + n.substr(2) : " -s " + n.substr(1));
      }
      if (o.takes_value) {
        s << (o.choices.empty() ? " -r" : " -x -a " + sh_quote(join(o.choices), true));
      }
      s << " -d " << sh_quote(first_line(o.description), true) << "\n";
    }
    if (!c.argument_choices.empty()) {
      s << "complete -c kvonce-trace -n " << sh_quote(condition, true) << " -a "
        << sh_quote(join(c.argument_choices), true) << "\n";
    }
    if (c.file_arguments) {
      s << "complete -c kvonce-trace -n " << sh_quote(condition, true) << " -F\n";
    }
  }
  return s.str();
}

}  // namespace

std::string completion_script(const CLI::App& root, const std::string& shell) {
  const std::vector<CommandInfo> commands = commands_of(root);
  if (shell == "bash") return bash_script(commands);
  if (shell == "zsh") return zsh_script(commands);
  return fish_script(commands);
}

}  // namespace kvonce::cli

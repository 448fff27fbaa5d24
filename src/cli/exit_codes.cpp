#include "cli/exit_codes.hpp"

#include <algorithm>

namespace kvonce::cli {

std::string exit_codes_footer(std::initializer_list<ExitCodeNote> notes) {
  std::string out = "Exit codes:";
  for (const ExitCodeRow& row : kExitCodeTable) {
    const auto note = std::find_if(notes.begin(), notes.end(),
                                   [&](const ExitCodeNote& n) { return n.code == row.code; });
    const bool noted = note != notes.end();
    if (!noted && !is_error_code(row.code)) continue;
    const std::string code = std::to_string(static_cast<int>(row.code));
    const std::string_view meaning = noted && !note->meaning.empty() ? note->meaning : row.meaning;
    out += "\n  " + code + std::string(code.size() < 2 ? 2 : 1, ' ') + std::string(meaning);
  }
  return out;
}

void set_footer(CLI::App& cmd, std::string_view text, std::initializer_list<ExitCodeNote> notes) {
  const std::string codes = exit_codes_footer(notes);
  cmd.footer(text.empty() ? codes : std::string(text) + "\n\n" + codes);
}

}  // namespace kvonce::cli

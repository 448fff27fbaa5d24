// Byte sizes on the command line: "1000" (bytes), "512KiB", "10MiB", "1GiB", "2TiB" (powers of
// 1024) or "500kB", "10MB", "1GB", "2TB" (powers of 1000); "B" may follow the digits. Units ignore
// case ("10mib", "10MB"); digits only, no sign, fraction or space (CLI11 would read "-1" into an
// unsigned option as its largest value, which for a limit silently means none). Help shows
// defaults the same way.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace kvonce::cli {

// The number of bytes `text` names, or nullopt with `why` saying what is wrong.
std::optional<std::uint64_t> parse_byte_size(std::string_view text, std::string& why);

// The shortest exact spelling: "1GiB", "64MiB", "1000" (0 is "0").
std::string format_byte_size(std::uint64_t bytes);

// Turns an option's byte size into digits for CLI11 to store; refuses 0 unless `zero_allowed`.
// CLI11 names the option in the usage error (exit 3).
const CLI::Validator& byte_size(bool zero_allowed = true);

}  // namespace kvonce::cli

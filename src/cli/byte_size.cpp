#include "cli/byte_size.hpp"

#include <array>
#include <limits>

#include "kvonce/util/strings.hpp"

namespace kvonce::cli {
namespace {

struct Unit {
  std::string_view name;  // lower case
  std::uint64_t bytes;
};

constexpr std::uint64_t kKiB = 1024;
constexpr std::array<Unit, 10> kUnits = {{
    {"", 1},
    {"b", 1},
    {"kib", kKiB},
    {"mib", kKiB* kKiB},
    {"gib", kKiB* kKiB* kKiB},
    {"tib", kKiB* kKiB* kKiB* kKiB},
    {"kb", 1000},
    {"mb", 1000 * 1000},
    {"gb", 1000ULL * 1000 * 1000},
    {"tb", 1000ULL * 1000 * 1000 * 1000},
}};

std::optional<std::uint64_t> unit_bytes(std::string_view unit) {
  const std::string lower = to_lower_ascii(unit);
  for (const Unit& u : kUnits) {
    if (lower == u.name) return u.bytes;
  }
  return std::nullopt;
}

constexpr const char* kExpected =
    "expected a byte size: digits, optionally followed by KiB, MiB, GiB, TiB (1024) or kB, MB, "
    "GB, TB (1000), e.g. 10MiB";

}  // namespace

std::optional<std::uint64_t> parse_byte_size(std::string_view text, std::string& why) {
  const std::size_t digits = text.find_first_not_of("0123456789");
  const std::string_view number = text.substr(0, digits);
  const std::string_view unit = digits == std::string_view::npos ? "" : text.substr(digits);
  const std::optional<std::uint64_t> scale = unit_bytes(unit);
  if (number.empty() || !scale) {
    why = kExpected;
    return std::nullopt;
  }
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t value = 0;
  for (const char c : number) {
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (value > (kMax - digit) / 10) {
      why = "too large: at most " + std::to_string(kMax) + " bytes";
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  if (value > kMax / *scale) {
    why = "too large: at most " + std::to_string(kMax) + " bytes";
    return std::nullopt;
  }
  return value * *scale;
}

std::string format_byte_size(std::uint64_t bytes) {
  static constexpr std::array<std::string_view, 4> kBinary = {"KiB", "MiB", "GiB", "TiB"};
  if (bytes == 0 || bytes % kKiB != 0) return std::to_string(bytes);
  std::size_t unit = 0;
  bytes /= kKiB;
  while (unit + 1 < kBinary.size() && bytes % kKiB == 0) {
    bytes /= kKiB;
    ++unit;
  }
  return std::to_string(bytes) + std::string(kBinary[unit]);
}

const CLI::Validator& byte_size(bool zero_allowed) {
  const auto make = [](bool allow_zero) {
    return CLI::Validator(
        [allow_zero](std::string& text) -> std::string {
          std::string why;
          const std::optional<std::uint64_t> bytes = parse_byte_size(text, why);
          if (!bytes) return why;
          if (*bytes == 0 && !allow_zero) return "must be more than 0 bytes";
          text = std::to_string(*bytes);
          return {};
        },
        "");
  };
  static const CLI::Validator with_zero = make(true);
  static const CLI::Validator without_zero = make(false);
  return zero_allowed ? with_zero : without_zero;
}

}  // namespace kvonce::cli

#include "cli/options.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <memory>

#include <arpa/inet.h>

#include "kvonce/steps/verify.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"

#include "cli/byte_size.hpp"

namespace kvonce::cli {
namespace {

constexpr double kMaxTimeoutSeconds = 86400;

bool is_ip_literal(const std::string& address) {
  unsigned char buf[16];
  if (address.size() > 2 && address.front() == '[' && address.back() == ']') {
    return inet_pton(AF_INET6, address.substr(1, address.size() - 2).c_str(), buf) == 1;
  }
  return inet_pton(AF_INET, address.c_str(), buf) == 1;
}

bool is_port(const std::string& text) {
  if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos)
    return false;
  const int port = std::atoi(text.c_str());
  return port >= 1 && port <= 65535;
}

}  // namespace

const CLI::Validator& timeout_seconds() {
  static const CLI::Validator v(
      [](std::string& text) -> std::string {
        char* end = nullptr;
        const double s = std::strtod(text.c_str(), &end);
        const bool number = !text.empty() && end == text.c_str() + text.size() && std::isfinite(s);
        if (number && (s == 0 || (s >= 0.001 && s <= kMaxTimeoutSeconds))) return {};
        return "must be 0 (no timeout) or from 0.001 to 86400 seconds";
      },
      "");
  return v;
}

const CLI::Validator& resolve_entry() {
  static const CLI::Validator v(
      [](std::string& text) -> std::string {
        const std::string expected = "expected host:port:address (an IPv4 or [IPv6] address)";
        const auto first = text.find(':');
        const auto second = first == std::string::npos ? first : text.find(':', first + 1);
        if (first == 0 || second == std::string::npos) return expected;
        if (!is_port(text.substr(first + 1, second - first - 1))) return expected;
        std::string rest = text.substr(second + 1);
        if (rest.empty()) return expected;
        for (std::size_t pos = 0; pos <= rest.size();) {
          const auto comma = rest.find(',', pos);
          const std::string address = rest.substr(pos, comma - pos);
          if (!is_ip_literal(address)) return expected;
          if (comma == std::string::npos) break;
          pos = comma + 1;
        }
        return {};
      },
      "");
  return v;
}

CLI::Option* add_byte_size(CLI::App& cmd, const std::string& name, std::uint64_t& bytes,
                           const std::string& description) {
  return cmd.add_option(name, bytes, description)
      ->transform(byte_size())
      ->type_name("BYTES")
      ->default_str(format_byte_size(bytes));
}

void add_read_limits(CLI::App& cmd, io::ReadLimits& limits) {
  add_byte_size(
      cmd, "--max-decompressed-bytes", limits.max_decompressed_bytes,
      "Stop with exit code 5 when a gzip or zstd payload inflates beyond this size (0 = no "
      "limit)");
  add_byte_size(cmd, "--max-string-bytes", limits.max_string_bytes,
                "Largest JSON string or number accepted");
}

void add_max_output_bytes(CLI::App& cmd, std::optional<std::uint64_t>& max) {
  cmd.add_option("--max-output-bytes", max,
                 "Stop with exit code 5, replacing no output, when the output files would exceed "
                 "this size in all (default: 64 times the decompressed input, at least 256MiB)")
      ->transform(byte_size(/*zero_allowed=*/false))
      ->type_name("BYTES");
}

void add_order(CLI::App& cmd, steps::Order& order) {
  const std::map<std::string, steps::Order> names{{"time", steps::Order::time},
                                                  {"input", steps::Order::input}};
  cmd.add_option("--order", order,
                 "time: sort events by start time (stable for ties); input: keep payload order")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case).description(""))
      ->type_name("time|input")
      ->default_str("time");
}

// A clock skew: a number of ns, us, ms or s (0 alone needs none), at most one hour.
std::uint64_t parse_clock_skew(const std::string& text) {
  static const std::pair<const char*, std::uint64_t> units[] = {
      {"ns", 1}, {"us", 1000}, {"ms", 1000000}, {"s", 1000000000}};
  auto bad = [&]() -> std::uint64_t {
    fail(ErrorKind::usage, "--clock-skew " + console_escape(text) +
                               ": expected a duration such as 500us, 20ms or 1s, at most 1h");
  };
  std::size_t digits = 0;
  while (digits < text.size() &&
         ((text[digits] >= '0' && text[digits] <= '9') || (text[digits] == '.' && digits > 0))) {
    ++digits;
  }
  const std::string number = text.substr(0, digits), unit = text.substr(digits);
  if (number.empty() || number.back() == '.' || std::count(number.begin(), number.end(), '.') > 1) {
    return bad();
  }
  std::uint64_t scale = 0;
  for (const auto& [name, ns] : units) {
    if (unit == name) scale = ns;
  }
  if (unit.empty() && number.find_first_not_of("0.") == std::string::npos) return 0;
  if (scale == 0) return bad();
  const std::size_t dot = number.find('.');
  const std::string whole = number.substr(0, dot);
  const std::string fraction = dot == std::string::npos ? "" : number.substr(dot + 1);
  constexpr std::uint64_t kHour = 3600ULL * 1000000000ULL;
  if (whole.size() > 13) return bad();
  std::uint64_t ns = std::stoull(whole) * scale;
  std::uint64_t part = scale;
  for (const char c : fraction) {
    part /= 10;
    ns += static_cast<std::uint64_t>(c - '0') * part;
  }
  if (ns > kHour) return bad();
  return ns;
}

void add_judging_order(CLI::App& cmd, steps::Order& order, rules::VerifyOptions& rules) {
  const std::map<std::string, steps::Order> names{{"time", steps::Order::time},
                                                  {"input", steps::Order::input},
                                                  {"realtime", steps::Order::realtime}};
  CLI::Option* option =
      cmd.add_option("--order", order,
                     "realtime: a key is valid when some order consistent with the spans' "
                     "start and end times replays cleanly (spec only); time: sort events by "
                     "start time (stable for ties; events without one last); input: keep "
                     "payload order. Default: realtime for --profile spec, input for --profile "
                     "compat")
          ->transform(CLI::CheckedTransformer(names, CLI::ignore_case).description(""))
          ->type_name("realtime|time|input");
  auto skew = std::make_shared<std::string>();
  CLI::Option* skew_option =
      cmd.add_option("--clock-skew", *skew,
                     "With --order realtime: widen every span by this much on both sides "
                     "(ns, us, ms or s; at most 1h), for spans timed by different hosts' "
                     "clocks. Default: 0")
          ->type_name("DURATION");
  cmd.parse_complete_callback([option, skew_option, skew, &order, &rules] {
    if (option->count() == 0) order = steps::default_order(rules.profile);
    if (order == steps::Order::realtime && rules.profile == rules::Profile::compat) {
      fail(ErrorKind::usage, "--order realtime needs --profile spec");
    }
    if (skew_option->count() == 0) return;
    if (rules.profile == rules::Profile::compat) {
      fail(ErrorKind::usage, "--clock-skew needs --profile spec");
    }
    if (order != steps::Order::realtime) {
      fail(ErrorKind::usage, "--clock-skew needs --order realtime");
    }
    rules.clock_skew_ns = parse_clock_skew(*skew);
  });
}

void add_format(CLI::App& cmd, payload::Format& format) {
  const std::map<std::string, payload::Format> names{{"otlp", payload::Format::otlp},
                                                     {"ndjson", payload::Format::ndjson},
                                                     {"auto", payload::Format::autodetect}};
  cmd.add_option("--format", format, "Input format: otlp, ndjson or auto (sniffed from content)")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case).description(""))
      ->type_name("otlp|ndjson|auto")
      ->default_str("auto");
}

void add_accept_partial(CLI::App& cmd, bool& accept) {
  cmd.add_flag("--accept-partial", accept,
               "Read a Tempo v2 response whose status is PARTIAL (part of the trace missing), "
               "with a warning in every output, instead of refusing it");
}

void add_rules(CLI::App& cmd, rules::VerifyOptions& rules) {
  const std::map<std::string, rules::Profile> names{{"spec", rules::Profile::spec},
                                                    {"compat", rules::Profile::compat}};
  cmd.add_option("--profile", rules.profile,
                 "spec: the KvOnce specification (default); compat: the verdicts of the "
                 "JavaScript validator this tool replaces")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case).description(""))
      ->type_name("spec|compat")
      ->default_str("spec");
  cmd.add_option("--max-retries", rules.max_retries,
                 "MAX_RETRIES of the specification (0 to 1000000)")
      ->check(CLI::Range(0, 1000000).description(""))
      ->type_name("N")
      ->capture_default_str();
}

void add_masking(CLI::App& cmd, privacy::MaskOptions& mask) {
  cmd.add_flag("--mask-values", mask.values,
               "Replace every value with \"hmac-sha256:<hex>\" as events are read (a random key "
               "per run: equal within the run, unlinkable across runs)");
  cmd.add_option("--mask-key-env", mask.key_env,
                 "Mask under the key held by this environment variable instead (stable across "
                 "runs; the key is never printed or written)")
      ->type_name("VAR");
  cmd.add_option("--mask-attr", mask.context_members,
                 "Also mask this top-level member of every context object; repeatable")
      ->type_name("NAME")
      ->allow_extra_args(false);
}

void add_console_options(CLI::App& cmd, ConsoleOptions& console) {
  cmd.add_flag("-q,--quiet", console.quiet,
               "Print nothing but errors (the exit code carries the verdict)");
  const std::map<std::string, ColourChoice> names{{"auto", ColourChoice::automatic},
                                                  {"always", ColourChoice::always},
                                                  {"never", ColourChoice::never}};
  cmd.add_option("--color", console.colour,
                 "auto: colour on a terminal unless NO_COLOR is set (or TERM=dumb); always (CI "
                 "logs that render ANSI colours, such as GitHub Actions'); never")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case).description(""))
      ->type_name("auto|always|never")
      ->default_str("auto");
}

void check_stdin_once(const std::vector<std::string>& inputs) {
  if (std::count(inputs.begin(), inputs.end(), "-") > 1) {
    fail(ErrorKind::usage, "standard input (-) is named more than once; it can be read only once");
  }
}

}  // namespace kvonce::cli

#include "cli/options.hpp"

#include <map>

#include "kvonce/steps/verify.hpp"

namespace kvonce::cli {

void add_read_limits(CLI::App& cmd, io::ReadLimits& limits) {
  cmd.add_option("--max-decompressed-bytes", limits.max_decompressed_bytes,
                 "Stop with exit code 5 when a gzip payload inflates beyond this many bytes "
                 "(0 = no limit)")
      ->capture_default_str();
  cmd.add_option("--max-string-bytes", limits.max_string_bytes,
                 "Largest JSON string or number accepted, in bytes")
      ->capture_default_str();
}

void add_order(CLI::App& cmd, steps::Order& order) {
  const std::map<std::string, steps::Order> names{{"time", steps::Order::time},
                                                  {"input", steps::Order::input}};
  cmd.add_option("--order", order,
                 "time: sort events by start time (stable for ties); input: keep payload order")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case))
      ->default_str("time");
}

void add_judging_order(CLI::App& cmd, steps::Order& order, const rules::VerifyOptions& rules) {
  const std::map<std::string, steps::Order> names{{"time", steps::Order::time},
                                                  {"input", steps::Order::input}};
  CLI::Option* option =
      cmd.add_option("--order", order,
                     "time: sort events by start time (stable for ties; events without one "
                     "last); input: keep payload order. Default: time for --profile spec, input "
                     "for --profile compat")
          ->transform(CLI::CheckedTransformer(names, CLI::ignore_case));
  cmd.parse_complete_callback([option, &order, &rules] {
    if (option->count() == 0) order = steps::default_order(rules.profile);
  });
}

void add_format(CLI::App& cmd, payload::Format& format) {
  const std::map<std::string, payload::Format> names{{"otlp", payload::Format::otlp},
                                                     {"ndjson", payload::Format::ndjson},
                                                     {"auto", payload::Format::autodetect}};
  cmd.add_option("--format", format, "Input format: otlp, ndjson or auto (sniffed from content)")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case))
      ->default_str("auto");
}

void add_rules(CLI::App& cmd, rules::VerifyOptions& rules) {
  const std::map<std::string, rules::Profile> names{{"spec", rules::Profile::spec},
                                                    {"compat", rules::Profile::compat}};
  cmd.add_option("--profile", rules.profile,
                 "spec: the KvOnce specification (default); compat: the verdicts of the "
                 "JavaScript validator this tool replaces")
      ->transform(CLI::CheckedTransformer(names, CLI::ignore_case))
      ->default_str("spec");
  cmd.add_option("--max-retries", rules.max_retries, "MAX_RETRIES of the specification")
      ->check(CLI::Range(0, 1000000))
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

}  // namespace kvonce::cli

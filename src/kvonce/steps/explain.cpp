#include "kvonce/steps/explain.hpp"

#include <system_error>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/event/event_store.hpp"
#include "kvonce/output/validation.hpp"
#include "kvonce/rules/compat_key.hpp"
#include "kvonce/steps/verify.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::steps {
namespace {

namespace fs = std::filesystem;

// Whether `event` is reported under `key`. Under spec a string key and a key that is not a
// string are never one key: `keyless` picks which of the two is asked for.
bool reported_under(const EventView& e, std::string_view key, rules::Profile profile,
                    bool keyless) {
  if (profile == rules::Profile::compat) {
    if (e.key_form == FieldForm::text) return e.key == key;
    if (e.key_form == FieldForm::missing) return key == "unknown";
    return rules::compat_key(e.key_form, e.key).name == key;
  }
  if (!keyless) return e.key_form == FieldForm::text && e.key == key;
  if (e.key_form == FieldForm::missing) return key == "null";
  return e.key_form == FieldForm::json && e.key == key;
}

// The events of `key`, in verification order, with their index among all events.
std::vector<std::uint64_t> events_of(const EventStore& all, std::string_view key,
                                     rules::Profile profile) {
  std::vector<std::uint64_t> out;
  for (const bool keyless : {false, true}) {
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (reported_under(all[i], key, profile, keyless)) out.push_back(i);
    }
    if (!out.empty() || profile == rules::Profile::compat) break;
  }
  return out;
}

bool is_type(const EventView& e, std::string_view type) {
  return e.type_form == FieldForm::text && e.type == type;
}

void apply(KeyStateAfter& s, const EventView& e) {
  if (is_type(e, "success")) {
    s.written = true;
  } else if (is_type(e, "retry")) {
    ++s.retries;
  } else if (is_type(e, "failure")) {
    ++s.failures;
  }
}

std::vector<std::string> inputs_of(const ExplainOptions& options) {
  if (!options.trace_dir) return options.inputs;
  return {trace_dir_events(*options.trace_dir).string()};
}

}  // namespace

fs::path trace_dir_events(const fs::path& dir) {
  std::error_code ec;
  for (const fs::path& candidate :
       {dir / trace_dir::kEventsFile, dir / trace_dir::kModes[0] / trace_dir::kEventsFile,
        dir / trace_dir::kModes[1] / trace_dir::kEventsFile}) {
    if (fs::is_regular_file(candidate, ec)) return candidate;
  }
  fail(ErrorKind::input, dir.string() + ": no " + trace_dir::kEventsFile + " in it, nor in its " +
                             trace_dir::kModes[0] + "/ or " + trace_dir::kModes[1] + "/");
}

ExplainOutcome explain(const ExplainOptions& options) {
  EventStore all;
  ExplainOutcome out;
  out.warnings = options.recorded_warnings;
  {
    const privacy::MaskOptions mask = privacy::resolve_key(options.mask);
    privacy::MaskingSink sink(all, mask);
    const payload::LoadResult load = payload::load_files(
        inputs_of(options), options.format, options.limits, sink, options.accept_partial);
    for (std::string& w : output::partial_warnings(load.stats))
      out.warnings.push_back(std::move(w));
  }
  order_events(all, options.order, options.rules.clock_skew_ns);

  out.key = options.key;
  out.events = all.size();
  const rules::Profile profile = options.rules.profile;
  const std::vector<std::uint64_t> at = events_of(all, options.key, profile);
  EventStore mine;
  for (const std::uint64_t i : at) mine.add(all[i]);

  out.issues = rules::verify(mine, judging_rules(options.rules, options.order)).issues;
  KeyStateAfter state;
  for (std::size_t j = 0; j < at.size(); ++j) {
    apply(state, mine[j]);
    out.steps.push_back({rules::describe_event(mine[j], at[j], profile), state, {}});
  }
  for (std::size_t n = 0; n < out.issues.size(); ++n) {
    rules::Issue& issue = out.issues[n];
    out.steps[issue.event_index].raised.push_back(n);
    issue.event_index = at[issue.event_index];  // verify's index, among all events
  }
  return out;
}

}  // namespace kvonce::steps

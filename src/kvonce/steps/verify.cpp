#include "kvonce/steps/verify.hpp"

#include <chrono>

#include "kvonce/ndjson/writer.hpp"
#include "kvonce/output/validation.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::steps {
namespace {

std::string format_of(const payload::LoadResult& load) {
  std::string format;
  for (const auto& in : load.inputs) {
    const std::string f = payload::to_string(in.format);
    if (format.empty())
      format = f;
    else if (format != f)
      return "mixed";
  }
  return format;
}

void write_events(const EventStore& store, const std::filesystem::path& path) {
  AtomicFile file(path);
  ndjson::Writer writer(file);
  for (std::size_t i = 0; i < store.size(); ++i) writer.on_event(store[i]);
  writer.finish();
  file.commit();
}

}  // namespace

VerifyOutcome verify_store(const EventStore& store, payload::LoadResult load,
                           const VerifyOptions& options) {
  VerifyOutcome out;
  out.load = std::move(load);
  out.format = format_of(out.load);
  out.events = store.size();
  const auto& dir = options.output_dir;
  ensure_directory(dir);

  std::vector<std::string> warnings = output::describe_warnings(out.load.stats);
  if (store.empty()) warnings.insert(warnings.begin(), no_events_message(out.load.stats));
  out.result = rules::verify(store, options.rules);
  if (!store.empty()) {
    write_events(store, dir / kEventsFile);
    out.projection =
        output::write_projection(store, dir / kProjectionFile, dir / kStateSequenceFile);
  }
  output::ValidationInfo info{options.rules, out.format,          to_string(options.order),
                              out.events,    out.projection.keys, "["};
  for (const payload::InputSummary& in : out.load.inputs) {
    info.inputs_json += (info.inputs_json.size() > 1 ? "," : "") + payload::form_json(in);
  }
  info.inputs_json += "]";
  output::write_validation(dir / kValidationFile, out.result, info, warnings);
  return out;
}

VerifyOutcome verify(const VerifyOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  EventStore store;
  payload::LoadResult load = load_ordered(options.inputs, options.format, options.order,
                                          options.limits, store, options.mask);
  VerifyOutcome out = verify_store(store, std::move(load), options);
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

std::string verify_summary_text(const VerifyOutcome& o, const VerifyOptions& options,
                                std::size_t max_issues) {
  const char* verdict = o.no_events() ? "NO EVENTS" : o.valid() ? "VALID" : "INVALID";
  std::string out = std::string("verify: ") + verdict + " (" + o.format + " input, profile " +
                    rules::to_string(options.rules.profile) + ", max retries " +
                    std::to_string(options.rules.max_retries) + ", order " +
                    to_string(options.order) + ")\n";
  out += "  " + std::to_string(o.events) + " events, " + std::to_string(o.projection.keys) +
         " keys, " + std::to_string(o.result.issues.size()) + " issues\n";
  out += "  read: " + payload::describe_read(o.load) + "\n";
  if (o.no_events()) {
    out += "  no events: " + payload::describe_read(o.load) + ", " +
           payload::why_no_events(o.load.stats) + "\n";
  }
  for (std::size_t i = 0; i < o.result.issues.size() && i < max_issues; ++i) {
    const rules::Issue& issue = o.result.issues[i];
    out += "  [" + std::string(rules::to_string(issue.type)) + "] " + issue.key + ": " +
           issue.message + " — event #" + std::to_string(issue.event_index) + " at " +
           format_iso_millis(issue.time_ns) + ", trace " + issue.trace_id + "\n";
  }
  if (o.result.issues.size() > max_issues) {
    out += "  ... " + std::to_string(o.result.issues.size() - max_issues) + " more in " +
           (options.output_dir / kValidationFile).string() + "\n";
  }
  for (const std::string& w : output::describe_warnings(o.load.stats))
    out += "  warning: " + w + "\n";
  out += "  outputs: " + options.output_dir.string() + "\n";
  return out;
}

}  // namespace kvonce::steps

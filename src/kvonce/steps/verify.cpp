#include "kvonce/steps/verify.hpp"

#include <algorithm>
#include <chrono>
#include <future>
#include <system_error>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/event/read_stats.hpp"
#include "kvonce/io/hashed_input.hpp"
#include "kvonce/otlp/reader.hpp"
#include "kvonce/output/validation.hpp"
#include "kvonce/privacy/masking.hpp"
#include "kvonce/report/output_set_check.hpp"
#include "kvonce/rules/history.hpp"
#include "kvonce/steps/history_text.hpp"
#include "kvonce/steps/recorded_judging.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/file_roles.hpp"
#include "kvonce/util/plural.hpp"
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

std::uint64_t decompressed_bytes(const payload::LoadResult& load) {
  std::uint64_t n = 0;
  for (const auto& in : load.inputs) n += in.info.decompressed_bytes;
  return n;
}

// Loads, masks and orders the inputs, hashing each as it is read: the set records the payload,
// and, for one NDJSON file that `prepare` recorded, the payload it was prepared from.
payload::LoadResult load_hashed(const VerifyOptions& options, EventStore& store,
                                output::SetOrigin& origin) {
  if (options.origin) {
    // The caller names the payload (run's ndjson mode, reading the events file the otlp mode
    // wrote and hashed): the set records that, so these bytes need no digest of their own.
    return load_ordered(options.inputs, options.format, options.order, options.limits, store,
                        options.mask, options.accept_partial, options.rules.clock_skew_ns);
  }
  payload::LoadResult load = load_ordered_hashed(
      options.inputs, options.format, options.order, options.limits, store, options.mask,
      origin.input_sha256s, options.accept_partial, options.rules.clock_skew_ns);
  if (origin.input_sha256s.size() == 1) origin.payload_sha256 = origin.input_sha256s.front();
  if (options.inputs.size() == 1 && options.inputs.front() != "-") {
    // Only a record of these very bytes: a file prepared again (or edited) since is not tied.
    std::optional<output::SourceRecord> record = output::read_source_record(options.inputs.front());
    if (record && record->output_sha256 == origin.payload_sha256) {
      origin.derived_from = std::move(record);
    }
  }
  return load;
}

// The partial-trace warnings of the payload these events came from, which NDJSON cannot hold:
// prepare's record of the file, or the set whose own events file it is (verify -d DIR wrote it
// beside its validation, which records the file's digest). Unreadable records carry nothing.
std::vector<std::string> inherited_partial(const VerifyOptions& options,
                                           const output::SetOrigin& origin) {
  if (origin.derived_from) return origin.derived_from->partial;
  if (options.inputs.size() != 1) return {};
  if (options.recorded_partial) return *options.recorded_partial;
  const std::filesystem::path input = options.inputs.front();
  if (input.filename() != trace_dir::kEventsFile) return {};
  try {
    const auto set = report::read_set_record(input.parent_path() / trace_dir::kValidationFile);
    if (!set) return {};
    const auto events = set->files.find(trace_dir::kEventsFile);
    if (events == set->files.end() || events->second != origin.payload_sha256) return {};
    return recorded_judging(input).partial_warnings;
  } catch (const Error&) {
    return {};
  }
}

// No output of the directory may be one of the inputs (`-i out/kvonce-events.ndjson -d out`).
void check_file_roles(const VerifyOptions& options) {
  FileRoles roles;
  for (const std::string& input : options.inputs) roles.input(input, "--input");
  if (options.output_dir.empty()) return;  // nothing written
  for (const char* name : trace_dir::kModeFiles) {
    roles.output(options.output_dir / name, "--output-dir");
  }
  roles.check();
}

output::ValidationInfo validation_info(const EventStore& store, const VerifyOutcome& out,
                                       const VerifyOptions& options) {
  output::ValidationInfo info{options.rules, out.format,          to_string(options.order),
                              out.events,    out.projection.keys, "["};
  for (const payload::InputSummary& in : out.load.inputs) {
    info.inputs_json += (info.inputs_json.size() > 1 ? "," : "") + payload::form_json(in);
  }
  info.inputs_json += "]";
  info.history_events = &store;
  return info;
}

// The verdict on the events: the issues, and the console text of the first ones' histories.
void judge(const EventStore& store, const VerifyOptions& options, VerifyOutcome& out) {
  out.result = rules::verify(store, judging_rules(options.rules, options.order));
  rules::attach_histories(store, options.rules.profile, out.result.issues);
  for (std::size_t i = 0; i < out.result.issues.size() && i < kShownHistories; ++i) {
    out.issue_histories.push_back(
        history_console_text(store, out.result.issues[i].history, options.rules.profile, "      "));
  }
}

// Runs `work` on a thread of its own; at once on this one when no thread can be started.
std::future<void> beside(const std::function<void()>& work) {
  try {
    return std::async(std::launch::async, work);
  } catch (const std::system_error&) {
    std::promise<void> done;
    try {
      work();
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
    return done.get_future();
  }
}

// The set of options.equal_events, once in place, when its events are this store's.
std::optional<output::EqualSet> equal_set(const EventStore& store, const VerifyOptions& options) {
  const auto& equal = options.equal_events;
  if (!equal || !options.within || !equal->store->same_events(store) || !equal->committed()) {
    return std::nullopt;
  }
  const std::optional<OutputDir> dir =
      options.within->existing_sub(options.within->relative(equal->output_dir));
  if (!dir) return std::nullopt;
  return output::EqualSet{OutputPath(*dir, trace_dir::kEventsFile),
                          OutputPath(*dir, trace_dir::kStateSequenceFile)};
}

// The events file, the state sequence and the projection into `set`, in that order.
void write_event_files(const EventStore& store, VerifyOutcome& out, output::OutputSet& set,
                       const VerifyOptions& options,
                       std::chrono::system_clock::time_point generated_at) {
  if (!options.events_written) {
    const std::optional<output::EqualSet> equal = equal_set(store, options);
    out.projection = output::write_event_outputs(
        store, set, trace_dir::kEventsFile, trace_dir::kProjectionFile,
        trace_dir::kStateSequenceFile, generated_at, equal ? &*equal : nullptr);
    return;
  }
  output::SetFile& events = set.open(trace_dir::kEventsFile);
  output::write_event_lines(store, events);
  set.commit_file(events);
  options.events_written();
  out.projection = output::write_projection(store, set, trace_dir::kProjectionFile,
                                            trace_dir::kStateSequenceFile, generated_at);
}

// The four files into options.output_dir as one set; the validation's text kept when asked for,
// and charged as the copy printed on stdout before any file is committed. `judged` is the
// verdict being reached beside the writes (none: reached already).
void write_set(const EventStore& store, VerifyOutcome& out,
               const std::vector<std::string>& warnings, OutputBudget& budget,
               const VerifyOptions& options, std::chrono::system_clock::time_point generated_at,
               std::future<void>& judged) {
  OutputDir dir = options.within ? options.within->sub(options.within->relative(options.output_dir))
                                 : OutputDir::tree(options.output_dir);
  output::SetOrigin origin = options.origin.value_or(output::SetOrigin{});
  origin.github_run_id = options.github_run_id;
  origin.github_run_attempt = options.github_run_attempt;
  output::OutputSet set(std::move(dir),
                        {trace_dir::kModeFiles.begin(), trace_dir::kModeFiles.end()},
                        std::move(origin), budget);
  if (!store.empty()) {
    try {
      write_event_files(store, out, set, options, generated_at);
    } catch (...) {
      // Judging came first when it was not beside the writes: its error is the one reported.
      if (judged.valid()) judged.get();
      throw;
    }
  }
  if (judged.valid()) judged.get();
  std::string text =
      output::write_validation(set, trace_dir::kValidationFile, out.result,
                               validation_info(store, out, options), warnings, generated_at);
  if (options.keep_validation_json) {
    budget.charge(text.size());
    out.validation_json = std::move(text);
  }
  set.commit();
}

}  // namespace

rules::VerifyOptions judging_rules(rules::VerifyOptions rules, Order order) {
  rules.realtime = order == Order::realtime;
  return rules;
}

Order default_order(rules::Profile profile) {
  return profile == rules::Profile::compat ? Order::input : Order::realtime;
}

VerifyOutcome verify_store(const EventStore& store, payload::LoadResult load,
                           const VerifyOptions& options) {
  VerifyOutcome out;
  out.load = std::move(load);
  out.format = format_of(out.load);
  out.events = store.size();

  const auto generated_at = now(options.clock);
  std::vector<std::string> warnings = options.carried_warnings;
  for (std::string& w : output::describe_warnings(out.load.stats)) warnings.push_back(std::move(w));
  out.warnings = warnings;
  if (store.empty()) warnings.insert(warnings.begin(), no_events_message(out.load.stats));
  // The writes read only the events, the verdict only the events: one may go beside the other,
  // the validation (which records both) after them.
  std::future<void> judged;
  if (options.judge_beside_writes && !options.output_dir.empty() && !store.empty()) {
    judged = beside([&] { judge(store, options, out); });
  } else {
    judge(store, options, out);
  }

  std::shared_ptr<OutputBudget> budget = options.budget;
  if (!budget) {
    budget = std::make_shared<OutputBudget>(
        options.max_output_bytes.value_or(default_max_output_bytes(decompressed_bytes(out.load))));
  }
  if (!options.output_dir.empty()) {
    write_set(store, out, warnings, *budget, options, generated_at, judged);
    return out;
  }
  out.projection.events = store.size();
  // The judge counted them already when every key is a string; otherwise the projection's
  // count differs (it takes the number 10 and the string "10" for one key) and is taken apart.
  out.projection.keys =
      out.result.string_keys ? out.result.keys : output::projection_key_count(store);
  if (options.keep_validation_json) {
    output::append_validation_json(out.validation_json, out.result,
                                   validation_info(store, out, options), warnings, generated_at);
    budget->charge(out.validation_json.size());
  }
  return out;
}

namespace {

// The output directory when it exists, entered as write_set enters it (never through a link).
std::optional<OutputDir> existing_output_dir(const VerifyOptions& options) {
  if (options.within)
    return options.within->existing_sub(options.within->relative(options.output_dir));
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(options.output_dir, ec))) {
    return std::nullopt;
  }
  return OutputDir::tree(options.output_dir);
}

}  // namespace

VerifyOutcome verify(const VerifyOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  check_file_roles(options);
  try {
    EventStore store;
    output::SetOrigin origin;
    payload::LoadResult load = load_hashed(options, store, origin);
    VerifyOptions with_origin = options;
    // NDJSON taken from a partial trace: its records say so, and so does this verdict.
    for (std::string& w : inherited_partial(options, origin)) {
      auto& carried = with_origin.carried_warnings;
      if (std::find(carried.begin(), carried.end(), w) == carried.end()) {
        carried.push_back(std::move(w));
      }
    }
    if (!with_origin.origin) with_origin.origin = std::move(origin);
    VerifyOutcome out = verify_store(store, std::move(load), with_origin);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
  } catch (...) {
    // The directory held the verdict of an earlier payload: left there, it would be read as this
    // run's (report, a CI step checking the file). Without it the mode reports an error.
    if (!options.output_dir.empty()) {
      try {
        if (const std::optional<OutputDir> dir = existing_output_dir(options)) {
          output::remove_set(*dir, {trace_dir::kModeFiles.begin(), trace_dir::kModeFiles.end()});
        }
      } catch (const Error&) {
        // The error that ended the run is the one to report; report refuses what is left
        // (a set whose record no longer matches, or one without a record).
      }
    }
    throw;
  }
}

std::vector<std::string> recorded_partial_warnings(const std::vector<std::string>& warnings) {
  std::vector<std::string> out;
  for (const std::string& w : warnings) {
    if (w.find(otlp::kPartialTraceWarning) != std::string::npos &&
        out.size() < ReadStats::kMaxKeptWarnings) {
      out.push_back(w);
    }
  }
  return out;
}

std::string verify_summary_text(const VerifyOutcome& o, const VerifyOptions& options,
                                std::size_t max_issues) {
  return verify_summary_text(o, options, ConsoleStyle{}, max_issues);
}

std::string verify_summary_text(const VerifyOutcome& o, const VerifyOptions& options,
                                const ConsoleStyle& style, std::size_t max_issues) {
  const char* verdict = o.no_events() ? "NO EVENTS" : o.valid() ? "VALID" : "INVALID";
  const Tone tone = o.no_events() ? Tone::warn : o.valid() ? Tone::pass : Tone::fail;
  std::string out = "verify: " + style.paint(tone, verdict) + " (" + o.format + " input, profile " +
                    rules::to_string(options.rules.profile) + ", max retries " +
                    std::to_string(options.rules.max_retries) + ", order " +
                    to_string(options.order) +
                    (options.rules.clock_skew_ns != 0
                         ? ", clock skew " + std::to_string(options.rules.clock_skew_ns) + "ns"
                         : std::string()) +
                    ")\n";
  out += "  " + counted(o.events, "event", "events") + ", " +
         counted(o.projection.keys, "key", "keys") + ", " +
         counted(o.result.issues.size(), "issue", "issues") + "\n";
  out += "  " + style.paint(Tone::dim, "read: " + payload::describe_read(o.load)) + "\n";
  if (o.no_events()) {
    out += "  no events: " + payload::describe_read(o.load) + ", " +
           payload::why_no_events(o.load.stats) + "\n";
  }
  for (std::size_t i = 0; i < o.result.issues.size() && i < max_issues; ++i) {
    const rules::Issue& issue = o.result.issues[i];
    out += "  " + style.paint(Tone::fail, "[" + std::string(rules::to_string(issue.type)) + "]") +
           " " + console_escape(issue.key) + ": " + console_escape(issue.message) +
           style.paint(Tone::dim, " — event #" + std::to_string(issue.event_index) +
                                      (i == 0 ? " (0-based)" : "") + " at " +
                                      (issue.timed ? format_iso_millis(issue.time_ns) : "no time") +
                                      ", trace " + console_escape(issue.trace_id)) +
           "\n";
    const std::string link = report::trace_link(options.trace_link, issue.trace_id, issue.span_id);
    if (!link.empty()) out += "    link: " + style.paint(Tone::dim, console_escape(link)) + "\n";
    if (i < o.issue_histories.size()) out += o.issue_histories[i];
  }
  const bool written = !options.output_dir.empty();
  if (o.result.issues.size() > max_issues) {
    out += "  ... " + std::to_string(o.result.issues.size() - max_issues) + " more " +
           (written
                ? "in " + console_escape((options.output_dir / trace_dir::kValidationFile).string())
                : std::string("(--json or --output-dir lists them all)")) +
           "\n";
  }
  for (const std::string& w : o.warnings)
    out += "  " + style.paint(Tone::warn, "warning: " + console_escape(w)) + "\n";
  if (written) {
    out += "  " +
           style.paint(Tone::dim, "outputs: " + console_escape(options.output_dir.string())) + "\n";
  }
  return out;
}

}  // namespace kvonce::steps

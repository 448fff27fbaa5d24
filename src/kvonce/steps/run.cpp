#include "kvonce/steps/run.hpp"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <system_error>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/output/output_set.hpp"
#include "kvonce/output/validation.hpp"
#include "kvonce/output/written_files.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/file_roles.hpp"
#include "kvonce/util/output_budget.hpp"
#include "kvonce/util/plural.hpp"

namespace kvonce::steps {
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string ms(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f ms", seconds * 1000);
  return buf;
}

std::string verdict(const VerifyOutcome& o) {
  if (o.no_events()) return "no events";
  return (o.valid() ? "valid, " : "INVALID, ") + counted(o.result.issues.size(), "issue", "issues");
}

}  // namespace

std::optional<std::string> compare_verdicts(const VerifyOutcome& a, const VerifyOutcome& b) {
  if (a.events != b.events) {
    return counted(a.events, "event", "events") + " in otlp mode, " + std::to_string(b.events) +
           " in ndjson mode";
  }
  const auto& x = a.result.issues;
  const auto& y = b.result.issues;
  for (std::size_t i = 0; i < std::max(x.size(), y.size()); ++i) {
    if (i >= x.size() || i >= y.size()) {
      return counted(x.size(), "issue", "issues") + " in otlp mode, " + std::to_string(y.size()) +
             " in ndjson mode";
    }
    if (x[i].key != y[i].key || x[i].type != y[i].type || x[i].event_index != y[i].event_index ||
        x[i].count != y[i].count || x[i].message != y[i].message) {
      return "issue " + std::to_string(i) + " differs: [" + to_string(x[i].type) + "] " + x[i].key +
             " vs [" + to_string(y[i].type) + "] " + y[i].key;
    }
  }
  return std::nullopt;
}

namespace {

struct Payload {
  std::vector<std::string> files;  // read in place
  fetch::PayloadMetadata metadata;
  // A local file is hashed as it is read for its events, not in a pass of its own: its
  // metadata's sha256 and size come from that reading.
  bool hash_while_reading = false;
};

// Picks the payload as the old job did and brings it to local files.
Payload obtain_payload(const RunOptions& options, const OutputDir& tree, const Environment& env,
                       net::HttpTransport& transport,
                       const std::function<void(const std::string&)>& log) {
  Payload p;
  if (options.input && options.fetch.sample) {
    fail(ErrorKind::usage, "give one payload source, not several (--input, --sample)");
  }
  if (options.input && !options.input_source_type.empty()) {  // made by the step that runs run
    // receive's capture: a file this process wrote and hashed while writing it, unless it changed.
    if (const auto sha256 = output::written_digest(*options.input)) {
      p.metadata = fetch::describe_local_file_unhashed(*options.input, options.input_source_type,
                                                       options.input_source_detail);
      p.metadata.sha256 = *sha256;
      p.metadata.size_bytes = std::filesystem::file_size(*options.input);
    } else {
      p.metadata = fetch::describe_local_file(*options.input, options.input_source_type,
                                              options.input_source_detail);
    }
    p.files.push_back(*options.input);
    return p;
  }
  // Before any source is taken: an empty variable in CI is a mistake, whichever source wins.
  fetch::check_source_variables(env);
  const std::optional<std::string> env_file =
      options.fetch.sample ? std::nullopt : env("KVONCE_OTLP_PAYLOAD");
  if (options.input || env_file) {
    const std::string path = options.input ? *options.input : *env_file;
    p.metadata = fetch::describe_local_file_unhashed(
        path, options.input ? fetch::kSourceExplicit : fetch::kSourceEnvFile, path);
    p.files.push_back(path);
    p.hash_while_reading = true;
    return p;
  }
  fetch::FetchOptions f = options.fetch;
  f.clock = options.clock;
  f.target = options.trace_dir / trace_dir::kPayloadDir / "kvonce-otlp-payload";
  f.metadata = options.trace_dir / trace_dir::kMetadataFile;
  f.tree = tree;  // both are names run chose: never written through a link
  const fetch::FetchResult fetched = fetch::fetch(f, env, transport);
  log(fetch::fetch_summary_text(fetched));
  p.metadata = fetched.metadata;
  if (std::filesystem::is_directory(fetched.target)) {  // a prefix: every object it held
    for (const auto& object : fetched.metadata.objects) p.files.push_back(object.path);
  } else {
    p.files.push_back(fetched.target.string());
  }
  return p;
}

// What both modes' output sets record: the payload as the metadata describes it.
output::SetOrigin origin_of(const fetch::PayloadMetadata& metadata, const Environment& env) {
  output::SetOrigin origin;
  origin.payload_sha256 = metadata.sha256;
  if (metadata.objects.empty()) {
    origin.input_sha256s.push_back(metadata.sha256);
  } else {
    for (const auto& object : metadata.objects) origin.input_sha256s.push_back(object.sha256);
  }
  origin.github_run_id = env("GITHUB_RUN_ID");
  origin.github_run_attempt = env("GITHUB_RUN_ATTEMPT");
  return origin;
}

// The output contract's files already in the tree (a local run before, or files a pull request
// committed) are removed before anything is read: the report then reads only what this run
// wrote. A payload read in place is never one of them (the command refuses that before).
void remove_previous_outputs(const RunOptions& options, const OutputDir& tree,
                             const std::vector<std::string>& inputs) {
  const auto keep = [&](const std::filesystem::path& file) {
    for (const std::string& input : inputs) {
      if (FileRoles::same_file(input, file)) return true;
    }
    return false;
  };
  const std::vector<std::string> mode_files{trace_dir::kModeFiles.begin(),
                                            trace_dir::kModeFiles.end()};
  for (const char* mode : trace_dir::kModes) {
    std::vector<std::string> removed;
    for (const std::string& name : mode_files) {
      if (!keep(options.trace_dir / mode / name)) removed.push_back(name);
    }
    if (const auto dir = tree.existing_sub(mode)) output::remove_set(*dir, removed);
  }
  std::vector<std::string> top;
  for (const char* name : {trace_dir::kPrCommentFile, trace_dir::kMetadataFile}) {
    if (!keep(options.trace_dir / name)) top.push_back(name);
  }
  output::remove_set(tree, top);
}

// What a failed run leaves of a mode's set: nothing (the tree held none of it when run began).
void remove_mode_set(const OutputDir& tree, const char* mode) noexcept {
  try {
    if (const auto dir = tree.existing_sub(mode)) {
      output::remove_set(*dir, {trace_dir::kModeFiles.begin(), trace_dir::kModeFiles.end()});
    }
  } catch (...) {
    // The error that ended the run is the one to report; report refuses what is left.
  }
}

payload::LoadResult read_payload(const RunOptions& options, Payload& payload, EventSink& sink) {
  if (options.read_input) return options.read_input(sink);
  if (!payload.hash_while_reading) {
    return payload::load_files(payload.files, payload::Format::otlp, options.limits, sink,
                               options.accept_partial);
  }
  std::vector<std::unique_ptr<io::HashedInput>> hashed;
  payload::LoadResult load =
      payload::load_events(open_hashed(payload.files, hashed), payload::Format::otlp,
                           options.limits, sink, options.accept_partial);
  io::HashedInput& file = *hashed.front();  // a local payload is one file
  file.drain();  // the reader may stop before trailing bytes it does not need
  payload.metadata.sha256 = file.finish_hex();
  payload.metadata.size_bytes = file.bytes();
  return load;
}

struct ModeRun {
  VerifyOutcome outcome;
  double seconds = 0;
};

}  // namespace

RunOutcome run(const RunOptions& options, const Environment& env, net::HttpTransport& transport,
               const std::function<void(const std::string&)>& log) {
  RunOutcome out;
  auto start = std::chrono::steady_clock::now();
  // Every file below is a name run chose in its tree: none is written through a link.
  const OutputDir tree = OutputDir::tree(options.trace_dir);
  std::vector<std::string> local_inputs;
  if (options.input) local_inputs.push_back(*options.input);
  if (const auto env_file = env("KVONCE_OTLP_PAYLOAD")) local_inputs.push_back(*env_file);
  remove_previous_outputs(options, tree, local_inputs);
  Payload payload = obtain_payload(options, tree, env, transport, log);

  EventStore store;
  const privacy::MaskOptions mask = privacy::resolve_key(options.mask);  // before any output
  privacy::MaskingSink masking(store, mask);
  payload::LoadResult load = read_payload(options, payload, masking);
  order_events(store, options.order, options.rules.clock_skew_ns);
  std::uint64_t raw = 0, inflated = 0;
  for (const auto& in : load.inputs) {
    raw += in.info.raw_bytes;
    inflated += in.info.decompressed_bytes;
  }
  log("prepare: " + console_escape(payload.metadata.source_type) + " " +
      console_escape(payload.metadata.source_detail) + ": " + counted(raw, "byte", "bytes") +
      (inflated != raw ? " (" + std::to_string(inflated) + " inflated)" : "") + " -> " +
      counted(load.stats.records, "span", "spans") + " -> " +
      counted(store.size(), "event", "events") + " in " + ms(seconds_since(start)));

  start = std::chrono::steady_clock::now();
  const auto budget = std::make_shared<OutputBudget>(
      options.max_output_bytes.value_or(default_max_output_bytes(inflated)));
  const output::SetOrigin origin = origin_of(payload.metadata, env);
  VerifyOptions otlp;
  otlp.format = payload::Format::otlp;
  otlp.output_dir = options.trace_dir / "otlp";
  otlp.within = tree;
  otlp.order = options.order;
  otlp.rules = options.rules;
  otlp.limits = options.limits;
  otlp.mask = mask;
  otlp.budget = budget;
  otlp.origin = origin;
  otlp.clock = options.clock;
  otlp.judge_beside_writes = true;

  VerifyOptions nd = otlp;  // the same rules, mask and origin
  nd.inputs = {(options.trace_dir / "otlp" / trace_dir::kEventsFile).string()};
  nd.format = payload::Format::ndjson;
  // The events file cannot say that the trace it came from was partial: the ndjson mode's
  // verdict is of the same part, so its outputs say so too.
  nd.carried_warnings = output::partial_warnings(load.stats);
  // What the otlp mode's validation will record of them (its warnings are the read's).
  nd.recorded_partial = recorded_partial_warnings(output::describe_warnings(load.stats));
  nd.output_dir = options.trace_dir / "ndjson";
  if (store.empty()) {
    nd.inputs.clear();  // nothing was prepared: ndjson mode sees no events either
  }
  // The ndjson mode reads the otlp mode's events file as soon as it is in place, on a thread of
  // its own, while the otlp mode writes the rest of its set. Its bytes are charged to a budget
  // of its own, then to the run's once the otlp mode is done: the run fails or not, and in which
  // mode, as when the modes ran one after the other (the otlp mode's set is complete or not
  // before the ndjson mode's counts).
  // It starts from what the otlp mode has charged when it starts, so that the two modes together
  // never write much past the bound before the run ends.
  const auto nd_budget = std::make_shared<OutputBudget>(budget->max());
  std::uint64_t nd_start = 0;
  nd.budget = nd_budget;
  const auto verify_ndjson = [&nd, &nd_budget, &nd_start, &budget] {
    nd_start = budget->used();
    nd_budget->charge(nd_start);  // within the bound: the otlp mode charged it first
    const auto began = std::chrono::steady_clock::now();
    ModeRun r{verify(nd)};
    r.seconds = seconds_since(began);
    return r;
  };
  // The ndjson mode reads the events the otlp mode wrote: when they are the same events, its
  // events file and state sequence are copies of the otlp mode's, taken once that set is in place.
  std::promise<bool> otlp_committed;
  std::shared_future<bool> otlp_in_place = otlp_committed.get_future().share();
  nd.equal_events = VerifyOptions::EqualEvents{&store, otlp.output_dir,
                                               [otlp_in_place] { return otlp_in_place.get(); }};
  std::future<ModeRun> ndjson;
  otlp.events_written = [&] {
    try {
      ndjson = std::async(std::launch::async, verify_ndjson);
    } catch (const std::system_error&) {
      // No thread: the ndjson mode runs after the otlp mode.
    }
  };
  try {
    out.otlp = verify_store(store, std::move(load), otlp);
  } catch (...) {
    // The otlp mode's error ends the run, whatever the ndjson mode does; neither mode's set is
    // left (its events file was in place early).
    otlp_committed.set_value(false);
    if (ndjson.valid()) ndjson.wait();
    remove_mode_set(tree, "otlp");
    remove_mode_set(tree, "ndjson");
    throw;
  }
  otlp_committed.set_value(true);
  log("verify otlp: " + verdict(out.otlp) + " in " + ms(seconds_since(start)));

  ModeRun nd_run = ndjson.valid() ? ndjson.get() : verify_ndjson();
  try {
    budget->charge(nd_budget->used() - nd_start);
  } catch (...) {
    remove_mode_set(tree, "ndjson");
    throw;
  }
  out.ndjson = std::move(nd_run.outcome);
  log("verify ndjson: " + verdict(out.ndjson) + " in " + ms(nd_run.seconds));

  out.mismatch = compare_verdicts(out.otlp, out.ndjson);
  log(out.mismatch ? "compare: mode-mismatch: " + console_escape(*out.mismatch)
                   : "compare: otlp and ndjson verdicts agree");

  payload.metadata.decompressed_bytes = inflated;
  payload.metadata.event_count = out.otlp.events;
  const auto written_at = now(options.clock);
  budget->charge(fetch::metadata_json(payload.metadata, written_at).size());
  fetch::write_metadata(OutputPath(tree, trace_dir::kMetadataFile), payload.metadata, written_at);
  out.payload = payload.metadata;

  if (options.report) {
    report::ReportOptions r = *options.report;
    r.trace_dir = options.trace_dir;
    r.tree = tree;
    r.clock = options.clock;
    out.report = report::run_report(r, env, transport, log);
  }
  return out;
}

}  // namespace kvonce::steps

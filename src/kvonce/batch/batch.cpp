#include "kvonce/batch/batch.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <mutex>
#include <system_error>
#include <thread>
#include <utility>

#include "kvonce/batch/expand.hpp"
#include "kvonce/batch/results_file.hpp"
#include "kvonce/batch/worker.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::batch {
namespace fs = std::filesystem;
namespace {

bool same_file(const fs::path& a, const fs::path& b) {
  if (a.filename() != b.filename()) return false;  // cheap, and true of almost every payload
  std::error_code ec1, ec2;
  return fs::weakly_canonical(a, ec1) == fs::weakly_canonical(b, ec2) && !ec1 && !ec2;
}

// Whether `path` lies below the directory `dir`.
bool inside(const fs::path& path, const fs::path& dir) {
  std::error_code ec1, ec2;
  const fs::path p = fs::weakly_canonical(path, ec1), d = fs::weakly_canonical(dir, ec2);
  if (ec1 || ec2) return false;
  const auto [d_end, p_at] = std::mismatch(d.begin(), d.end(), p.begin(), p.end());
  return d_end == d.end() && p_at != p.end();
}

void check_options(const BatchOptions& o) {
  if (o.inputs.empty()) fail(ErrorKind::usage, "batch needs at least one INPUT");
  if (o.from.has_value() != o.to.has_value()) {
    fail(ErrorKind::usage, "--from and --to go together (one day: the same date twice)");
  }
}

// The payloads to verify, without the batch's own files, then this shard's share of them.
std::vector<PayloadRef> select_payloads(const BatchOptions& options, const BatchContext& context,
                                        RemoteStore& remote,
                                        const std::optional<fs::path>& results_path,
                                        BatchRun& run) {
  std::vector<PayloadRef> refs =
      expand_inputs(options.inputs, options.from, options.to, remote, context.make_transport);
  // `batch . --results r.jsonl --output-dir out` must not verify its own files as payloads.
  std::erase_if(refs, [&](const PayloadRef& r) {
    return r.location == Location::local &&
           ((results_path && same_file(r.source, *results_path)) ||
            (options.resume && same_file(r.source, *options.resume)) ||
            (options.payload.output_root && inside(r.source, *options.payload.output_root)));
  });
  run.listed = refs.size();
  if (options.shard) {
    std::erase_if(refs, [&](const PayloadRef& r) { return !in_shard(r.source, *options.shard); });
  }
  return refs;
}

// What the workers share: the queue of payloads, the results, the first fatal error.
struct Pool {
  const std::vector<PayloadRef>& refs;
  ResultsWriter* writer;
  bool rewrite_resumed;  // copy resumed lines into the results file (not the resume file)
  Progress* progress;
  BatchRun& run;
  std::mutex lock;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr fatal;

  void record(PayloadResult r, Reuse reuse) {
    const bool resumed = reuse == Reuse::resumed;
    std::lock_guard<std::mutex> guard(lock);
    if (writer && (!resumed || rewrite_resumed)) writer->append(r);
    if (progress) progress->payload_done(r, resumed);
    run.resumed += resumed ? 1 : 0;
    run.judged_again += reuse == Reuse::judged_again ? 1 : 0;
    run.verified_events += resumed ? 0 : r.events;
    run.results.push_back(std::move(r));
  }

  void work(Worker& worker) {
    try {
      while (!stop) {
        const std::size_t i = next++;
        if (i >= refs.size()) break;
        Reuse reuse = Reuse::none;
        PayloadResult r = worker.process(refs[i], reuse);
        record(std::move(r), reuse);
      }
    } catch (...) {  // the results file cannot be written, or no transport: stop everyone
      std::lock_guard<std::mutex> guard(lock);
      if (!fatal) fatal = std::current_exception();
      stop = true;
    }
  }
};

}  // namespace

BatchRun run_batch(const BatchOptions& options, const BatchContext& context) {
  check_options(options);
  const auto start = std::chrono::steady_clock::now();
  transfer::DownloadPolicy policy = context.download;
  policy.max_bytes = options.payload.limits.max_decompressed_bytes;
  RemoteStore remote(context.env, policy);
  const std::optional<fs::path> results_path = options.results ? options.results : options.resume;
  BatchRun run;
  const std::vector<PayloadRef> refs = select_payloads(options, context, remote, results_path, run);

  const bool into_resume_file =
      results_path && options.resume && same_file(*results_path, *options.resume);
  std::optional<ResultsWriter> writer;
  // Resuming into the same file: lock it before reading it, so no other batch appends between.
  if (into_resume_file) writer.emplace(*results_path, options.results_lock_wait);
  ResultsFile previous;  // a missing --resume file is an empty one
  if (options.resume && fs::exists(*options.resume)) previous = read_results(*options.resume);
  const ResumeIndex resume = index_resume(previous.results, judged_under(options.payload));
  if (results_path && !writer) writer.emplace(*results_path, options.results_lock_wait);
  std::optional<ScratchDir> scratch;
  if (std::any_of(refs.begin(), refs.end(),
                  [](const PayloadRef& r) { return r.location != Location::local; })) {
    scratch.emplace();
  }

  run.jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  const std::size_t threads_wanted =
      std::min<std::size_t>(run.jobs, std::max<std::size_t>(refs.size(), 1));
  Pool pool{refs, writer ? &*writer : nullptr, !into_resume_file, context.progress, run, {}, {}, {},
            {}};
  const auto work = [&](std::size_t id) {
    const fs::path download = scratch ? scratch->path() / ("payload-" + std::to_string(id)) : "";
    Worker worker(options.payload, context.make_transport, remote, resume, download);
    pool.work(worker);
  };
  if (context.progress) context.progress->start(refs.size());
  std::vector<std::thread> threads;
  try {
    for (std::size_t id = 1; id < threads_wanted; ++id) threads.emplace_back(work, id);
  } catch (const std::system_error&) {
    // Fewer threads than asked (a process or memory limit): the ones started do the work.
  }
  work(0);
  for (std::thread& t : threads) t.join();
  if (context.progress) context.progress->finish();
  if (pool.fatal) std::rethrow_exception(pool.fatal);
  if (writer) writer->close();

  std::sort(run.results.begin(), run.results.end(),
            [](const PayloadResult& a, const PayloadResult& b) { return a.source < b.source; });
  run.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
}

std::string judged_again_text(std::uint64_t count) {
  return std::to_string(count) + (count == 1 ? " payload was" : " payloads were") +
         " judged again: the --resume file recorded " +
         (count == 1 ? "its verdict" : "their verdicts") +
         " under other options (version, profile, max retries, order, format or limits) or none.";
}

std::vector<std::string> run_notes(const BatchRun& run, const BatchOptions& options) {
  std::vector<std::string> notes;
  if (options.shard) {
    notes.push_back("Shard " + options.shard->str() + ": " + std::to_string(run.results.size()) +
                    " of " + std::to_string(run.listed) + " listed payloads.");
  }
  const std::uint64_t events = run.verified_events;
  char buf[160];
  std::snprintf(buf, sizeof buf, "Wall time %.2f s with %u job%s; %.0f events/s.", run.wall_seconds,
                run.jobs, run.jobs == 1 ? "" : "s",
                run.wall_seconds > 0 ? static_cast<double>(events) / run.wall_seconds : 0.0);
  notes.emplace_back(buf);
  if (run.judged_again) notes.push_back(judged_again_text(run.judged_again));
  return notes;
}

}  // namespace kvonce::batch

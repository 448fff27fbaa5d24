#include "kvonce/batch/batch.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <mutex>
#include <thread>
#include <utility>

#include <stdlib.h>  // mkdtemp

#include "kvonce/batch/dates.hpp"
#include "kvonce/batch/hashing_source.hpp"
#include "kvonce/batch/inputs.hpp"
#include "kvonce/batch/results_file.hpp"
#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::batch {
namespace fs = std::filesystem;
namespace {

// A private directory for downloaded objects, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir() {
    std::string templ = (fs::temp_directory_path() / "kvonce-batch-XXXXXX").string();
    if (!mkdtemp(templ.data())) {
      fail(ErrorKind::output,
           "cannot create a temporary directory in " + fs::temp_directory_path().string());
    }
    path_ = templ;
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<PayloadRef> expand(const BatchOptions& options, RemoteStore& remote,
                               const BatchContext& context) {
  const std::vector<std::string> days =
      options.from ? dates_in_range(*options.from, *options.to) : std::vector<std::string>{};
  std::vector<PayloadRef> refs;
  std::unique_ptr<net::HttpTransport> transport;
  for (const std::string& input : options.inputs) {
    if (!is_remote_input(input)) {
      expand_local_input(input, days, refs);
      continue;
    }
    const Location where = input.rfind("s3://", 0) == 0 ? Location::s3 : Location::gcs;
    const bool prefix = input.back() == '/' || input.find('/', 5) == std::string::npos;
    if (!prefix && days.empty()) {  // one object
      refs.push_back({input, where});
      continue;
    }
    if (!transport) transport = context.make_transport();
    std::vector<std::string> prefixes;
    for (const std::string& day : days) prefixes.push_back(cloud::with_date_prefix(input, day));
    if (days.empty()) prefixes.push_back(input.back() == '/' ? input : input + "/");
    for (const std::string& p : prefixes) {
      for (std::string& uri : remote.list(p, *transport)) refs.push_back({std::move(uri), where});
    }
  }
  sort_unique(refs);
  return refs;
}

using ResumeIndex = std::map<std::pair<std::string, std::string>, PayloadResult>;

// The lines of the --resume file that reached a verdict, by (source, sha256); later lines win.
ResumeIndex index_resume(const ResultsFile& file) {
  ResumeIndex index;
  for (const PayloadResult& r : file.results) {
    if ((r.verified() || r.no_events()) && !r.sha256.empty()) index[{r.source, r.sha256}] = r;
  }
  return index;
}

bool same_file(const fs::path& a, const fs::path& b) {
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

PayloadResult fetch_failed(const std::string& source, const Error& e) {
  PayloadResult r;
  r.source = source;
  r.error = PayloadError{kind_name(e.kind()), e.what()};
  return r;
}

// What one worker thread owns: its transport (made on first use) and its download file.
class Worker {
 public:
  Worker(const BatchOptions& options, const BatchContext& context, RemoteStore& remote,
         const ResumeIndex& resume, const fs::path& scratch, unsigned id)
      : options_(options),
        context_(context),
        remote_(remote),
        resume_(resume),
        download_(scratch / ("payload-" + std::to_string(id))) {}

  PayloadResult process(const PayloadRef& ref, bool& resumed) {
    resumed = false;
    if (ref.location == Location::local) {
      if (const PayloadResult* recorded = recorded_for(ref.source, [&] {
            std::uint64_t bytes = 0;
            return sha256_of_file(ref.source, bytes);
          })) {
        resumed = true;
        return *recorded;
      }
      return verify_file(ref.source, ref.source, options_.payload);
    }
    return process_remote(ref, resumed);
  }

 private:
  template <typename HashFn>
  const PayloadResult* recorded_for(const std::string& source, HashFn hash) const {
    const auto first = resume_.lower_bound({source, ""});
    if (first == resume_.end() || first->first.first != source) return nullptr;
    try {
      const auto it = resume_.find({source, hash()});
      return it == resume_.end() ? nullptr : &it->second;
    } catch (const Error&) {
      return nullptr;  // unreadable: verifying reports it
    }
  }

  PayloadResult process_remote(const PayloadRef& ref, bool& resumed) {
    const auto start = std::chrono::steady_clock::now();
    if (!transport_) transport_ = context_.make_transport();
    fetch::DownloadResult got;
    try {
      got = remote_.download(ref.source, download_, *transport_);
    } catch (const Error& e) {
      PayloadResult r = fetch_failed(ref.source, e);
      r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      return r;
    }
    struct Remove {
      fs::path path;
      ~Remove() {
        std::error_code ec;
        fs::remove(path, ec);
      }
    } remove{download_};
    if (const PayloadResult* recorded = recorded_for(ref.source, [&] { return got.sha256; })) {
      resumed = true;
      return *recorded;
    }
    PayloadResult r = verify_file(ref.source, download_, options_.payload);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return r;
  }

  const BatchOptions& options_;
  const BatchContext& context_;
  RemoteStore& remote_;
  const ResumeIndex& resume_;
  fs::path download_;
  std::unique_ptr<net::HttpTransport> transport_;
};

void check_options(const BatchOptions& o) {
  if (o.inputs.empty()) fail(ErrorKind::usage, "batch needs at least one INPUT");
  if (o.from.has_value() != o.to.has_value()) {
    fail(ErrorKind::usage, "--from and --to go together (one day: the same date twice)");
  }
}

}  // namespace

BatchRun run_batch(const BatchOptions& options, const BatchContext& context) {
  check_options(options);
  const auto start = std::chrono::steady_clock::now();
  fetch::DownloadPolicy policy = context.download;
  policy.max_bytes = options.payload.limits.max_decompressed_bytes;
  RemoteStore remote(context.env, policy);

  const std::optional<fs::path> results_path = options.results ? options.results : options.resume;
  std::vector<PayloadRef> refs = expand(options, remote, context);
  // `batch . --results r.jsonl --output-dir out` must not verify its own outputs as payloads.
  std::erase_if(refs, [&](const PayloadRef& r) {
    return r.location == Location::local &&
           ((results_path && same_file(r.source, *results_path)) ||
            (options.resume && same_file(r.source, *options.resume)) ||
            (options.payload.output_root && inside(r.source, *options.payload.output_root)));
  });
  BatchRun run;
  run.listed = refs.size();
  if (options.shard) {
    std::erase_if(refs, [&](const PayloadRef& r) { return !in_shard(r.source, *options.shard); });
  }

  ResultsFile previous;
  if (options.resume && fs::exists(*options.resume)) previous = read_results(*options.resume);
  const ResumeIndex resume = index_resume(previous);
  const bool into_resume_file =
      results_path && options.resume && same_file(*results_path, *options.resume);
  std::optional<ResultsWriter> writer;
  if (results_path) {
    writer.emplace(*results_path,
                   into_resume_file ? std::optional(previous.complete_bytes) : std::nullopt);
  }

  const bool any_remote = std::any_of(
      refs.begin(), refs.end(), [](const PayloadRef& r) { return r.location != Location::local; });
  std::optional<ScratchDir> scratch;
  if (any_remote) scratch.emplace();

  unsigned jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  run.jobs = jobs;
  jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, std::max<std::size_t>(refs.size(), 1)));

  std::mutex lock;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> stop{false};
  std::exception_ptr fatal;
  const auto work = [&](unsigned id) {
    try {
      Worker worker(options, context, remote, resume, scratch ? scratch->path() : fs::path(), id);
      while (!stop) {
        const std::size_t i = next++;
        if (i >= refs.size()) break;
        bool resumed = false;
        PayloadResult r = worker.process(refs[i], resumed);
        std::lock_guard<std::mutex> guard(lock);
        if (writer && !(resumed && into_resume_file)) writer->append(r);
        if (context.progress) context.progress->payload_done(r, resumed);
        run.resumed += resumed ? 1 : 0;
        run.verified_events += resumed ? 0 : r.events;
        run.results.push_back(std::move(r));
      }
    } catch (...) {
      std::lock_guard<std::mutex> guard(lock);
      if (!fatal) fatal = std::current_exception();
      stop = true;
    }
  };

  if (context.progress) context.progress->start(refs.size());
  std::vector<std::thread> threads;
  for (unsigned id = 1; id < jobs; ++id) threads.emplace_back(work, id);
  work(0);
  for (std::thread& t : threads) t.join();
  if (context.progress) context.progress->finish();
  if (fatal) std::rethrow_exception(fatal);
  if (writer) writer->close();

  std::sort(run.results.begin(), run.results.end(),
            [](const PayloadResult& a, const PayloadResult& b) { return a.source < b.source; });
  run.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return run;
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
  return notes;
}

}  // namespace kvonce::batch

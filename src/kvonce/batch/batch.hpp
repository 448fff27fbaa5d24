// `kvonce-trace batch`: re-verifying many stored payloads, in parallel, in shards, resumably.
//
// The steps: expand the INPUTs (expand.hpp: local files and directories, S3/GCS listings,
// --from/--to days) -> sorted by source, repeats dropped -> this shard's share (shard.hpp) -> a
// pool of `jobs` threads, each taking one payload at a time (worker.hpp: download when remote,
// skip when resumed, else verify in-process with verify_payload.hpp) -> each result appended to
// the results file as it finishes (results_file.hpp) and reported to the console (progress.hpp).
//
// Resume: a payload is skipped when the --resume file has a line with the same source and the
// same sha256 that reached a verdict (no error, or no_events) under the same options (the line's
// judgedUnder, result.hpp); its recorded line counts in the totals. A verdict recorded under
// other options, or without them (older lines), is judged again and counted (judged_again). Its
// sha256 is computed first: for a local file by reading it, for an object by downloading it (the
// listing's ETag is not a SHA-256 and is no MD5 for multipart uploads), so resuming a remote batch
// saves the verification, not the transfer. Lines with another error are verified again.
//
// Memory: each worker holds the events of one payload at a time (EventStore: about 48 bytes of
// index plus the event's text per event, never the payload's bytes) and frees them before the
// next, so peak memory is bounded by `jobs` times the largest payload's events, plus one results
// record per payload. Remote objects are streamed to one temporary file per worker, removed
// after use.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/batch/progress.hpp"
#include "kvonce/batch/remote.hpp"
#include "kvonce/batch/result.hpp"
#include "kvonce/batch/results_file.hpp"
#include "kvonce/batch/shard.hpp"
#include "kvonce/batch/verify_payload.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::batch {

struct BatchOptions {
  std::vector<std::string> inputs;  // files, directories, s3://bucket/prefix/, gs://bucket/prefix/
  unsigned jobs = 0;                // 0 = std::thread::hardware_concurrency()
  std::optional<std::filesystem::path> results;  // default: the --resume file, if any
  std::optional<std::filesystem::path> resume;
  std::chrono::milliseconds results_lock_wait = kResultsLockWait;  // see results_file.hpp
  std::optional<Shard> shard;
  std::optional<std::string> from, to;  // YYYY-MM-DD, both or neither
  PayloadOptions payload;
};

// What the batch needs from outside: the environment (cloud settings and credentials), a way to
// make HTTP transports (one per worker), where progress goes (may be null), and the retries and
// timeouts of downloads (their max_bytes is replaced by --max-decompressed-bytes).
struct BatchContext {
  Environment env;
  TransportFactory make_transport;
  Progress* progress = nullptr;
  transfer::DownloadPolicy download;
};

struct BatchRun {
  std::vector<PayloadResult>
      results;               // every payload of the shard, resumed ones included, by source
  std::uint64_t listed = 0;  // payloads the inputs held, before the shard filter
  std::uint64_t resumed = 0;
  std::uint64_t judged_again = 0;     // recorded, but under other options: verified again
  std::uint64_t verified_events = 0;  // events of the payloads verified by this run
  unsigned jobs = 0;
  double wall_seconds = 0;
};

// Runs the batch. A payload's failure is its result's error; the batch itself throws
// kvonce::Error only for usage errors, an INPUT that cannot be expanded, a --resume file that
// cannot be read and a results file that cannot be written (what was written stays valid).
BatchRun run_batch(const BatchOptions& options, const BatchContext& context);

// "N payloads were judged again: ..." for the console and the summary.
std::string judged_again_text(std::uint64_t count);

// The summary notes for a run: shard, wall time, jobs, events per second.
std::vector<std::string> run_notes(const BatchRun& run, const BatchOptions& options);

}  // namespace kvonce::batch

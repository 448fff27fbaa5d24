// The `run` step: the whole trace-conformance job on one payload.
//   fetch (or take a local file in place) -> load the payload once -> verify in otlp mode
//   (writing the prepared NDJSON as its events) -> verify that NDJSON in ndjson mode -> compare
//   the two verdicts -> payload metadata -> report (Step Summary, outputs, PR comment, ...).
// A difference between the modes means the conversion lost information: it is reported as
// mode-mismatch and fails the run.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "kvonce/contract/trace_dir.hpp"
#include "kvonce/fetch/fetch.hpp"
#include "kvonce/report/run_report.hpp"
#include "kvonce/steps/verify.hpp"
#include "kvonce/util/environment.hpp"

namespace kvonce::steps {

struct RunOptions {
  // The payload, in this order: `input` or $KVONCE_OTLP_PAYLOAD (a local file, read in place);
  // else the remote source of `fetch` (flags, or the old job's variables) downloaded into
  // <trace_dir>/payload/; else the embedded sample. `fetch.target` and `fetch.metadata` are set
  // by run.
  std::optional<std::string> input;
  // Who made `input` when the user did not name it (`receive`: fetch::kSourceReceive and what it
  // listened on), for the metadata; the payload variables are then not looked at. Empty: the
  // user's file ("explicit", its path).
  std::string input_source_type;
  std::string input_source_detail;
  // Reads `input` instead of run reading it, into the sink run gives (receive: its capture, read
  // while it arrived); `input` still names the file for the metadata. Empty: run reads it.
  std::function<payload::LoadResult(EventSink&)> read_input;
  fetch::FetchOptions fetch;
  std::filesystem::path trace_dir = trace_dir::kDefault;
  Order order = Order::time;
  // Read a Tempo v2 PARTIAL trace; its warning is in both modes' outputs and the report.
  bool accept_partial = false;
  rules::VerifyOptions rules;
  io::ReadLimits limits;
  privacy::MaskOptions mask;  // one key masks both modes, so their verdicts and outputs agree
  // The bound on everything run writes under trace_dir, both modes and the metadata together
  // (none: 64 times the decompressed payload, at least 256 MiB).
  std::optional<std::uint64_t> max_output_bytes;
  // The report step; its trace_dir is set by run. None: no report (the library's callers).
  std::optional<report::ReportOptions> report;
  // Every time run stamps (fetchedAt, generatedAt, completed_at); set into fetch, both verify
  // runs and the report. Empty = the system's.
  Clock clock;
};

struct RunOutcome {
  VerifyOutcome otlp;
  VerifyOutcome ndjson;
  fetch::PayloadMetadata payload;       // as written to <trace_dir>/kvonce-payload-metadata.json
  std::optional<std::string> mismatch;  // what differs between the modes
  std::optional<report::ReportOutcome> report;

  bool valid() const { return !mismatch && otlp.valid() && ndjson.valid(); }
};

// `log` receives one line per step (the console story). `transport` serves the fetch and the
// GitHub API calls (tests pass their own).
RunOutcome run(const RunOptions& options, const Environment& env, net::HttpTransport& transport,
               const std::function<void(const std::string&)>& log);

// Compares two verdicts issue by issue; nullopt when they agree.
std::optional<std::string> compare_verdicts(const VerifyOutcome& a, const VerifyOutcome& b);

}  // namespace kvonce::steps

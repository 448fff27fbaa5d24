// The `run` step: the whole trace-conformance job on one payload.
//   load the payload once -> verify in otlp mode (writing the prepared NDJSON as its events)
//   -> verify that NDJSON in ndjson mode -> compare the two verdicts.
// A difference between the modes means the conversion lost information: it is reported as
// mode-mismatch and fails the run.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "kvonce/steps/verify.hpp"

namespace kvonce::steps {

struct RunOptions {
  std::optional<std::string> input;  // payload path; none: the embedded sample
  std::filesystem::path trace_dir = "artifacts/hermetic-reports/trace";
  Order order = Order::time;
  rules::VerifyOptions rules;
  io::ReadLimits limits;
  privacy::MaskOptions mask;  // one key masks both modes, so their verdicts and outputs agree
};

struct RunOutcome {
  VerifyOutcome otlp;
  VerifyOutcome ndjson;
  std::string payload_name;
  std::uint64_t payload_bytes = 0;
  std::optional<std::string> mismatch;  // what differs between the modes

  bool valid() const { return !mismatch && otlp.valid() && ndjson.valid(); }
};

// `log` receives one line per step (the console story).
RunOutcome run(const RunOptions& options, const std::function<void(const std::string&)>& log);

// Compares two verdicts issue by issue; nullopt when they agree.
std::optional<std::string> compare_verdicts(const VerifyOutcome& a, const VerifyOutcome& b);

}  // namespace kvonce::steps

// The `verify` step: payload -> ordered events -> rules -> the four output files in a directory.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kvonce/output/projection.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/steps/prepare.hpp"

namespace kvonce::steps {

// The order a profile judges in unless told otherwise: spec replays events in time order; compat
// keeps the payload's order, as the JavaScript pipeline did (its projector never sorted).
Order default_order(rules::Profile profile);

struct VerifyOptions {
  std::vector<std::string> inputs;
  payload::Format format = payload::Format::autodetect;
  std::filesystem::path output_dir;
  Order order = Order::time;
  rules::VerifyOptions rules;
  io::ReadLimits limits;
  privacy::MaskOptions mask;  // masking applied as events are read
};

struct VerifyOutcome {
  payload::LoadResult load;
  std::string format;  // as read: "otlp", "ndjson" or "mixed"
  rules::VerifyResult result;
  output::ProjectionStats projection;
  std::uint64_t events = 0;
  double seconds = 0;

  bool no_events() const { return events == 0; }
  bool valid() const { return events > 0 && result.valid(); }
};

// Output file names inside the output directory (the contract of the replaced pipeline).
inline constexpr const char* kEventsFile = "kvonce-events.ndjson";
inline constexpr const char* kProjectionFile = "kvonce-projection.json";
inline constexpr const char* kStateSequenceFile = "projected/kvonce-state-sequence.json";
inline constexpr const char* kValidationFile = "kvonce-validation.json";

// Writes every output atomically. Without events only kvonce-validation.json is written
// (valid: false) and the outcome says no_events(); malformed input throws before any write.
VerifyOutcome verify(const VerifyOptions& options);

// Verifies events already loaded and ordered (run uses it to share one read of the payload).
VerifyOutcome verify_store(const EventStore& store, payload::LoadResult load,
                           const VerifyOptions& options);

// The short human summary printed on stdout.
std::string verify_summary_text(const VerifyOutcome& outcome, const VerifyOptions& options,
                                std::size_t max_issues = 10);

}  // namespace kvonce::steps

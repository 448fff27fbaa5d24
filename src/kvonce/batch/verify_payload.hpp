// Verifying one payload of a batch in the calling thread: load -> order -> rules, never a
// subprocess. A payload's own failure (unreadable, corrupt, over a limit, no events, out of
// memory) becomes its result's error instead of an exception, so the batch goes on.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "kvonce/batch/result.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/rules/verify.hpp"
#include "kvonce/steps/prepare.hpp"

namespace kvonce::batch {

struct PayloadOptions {
  payload::Format format = payload::Format::autodetect;
  bool accept_partial = false;  // read a Tempo v2 PARTIAL trace; its result line says so
  steps::Order order = steps::Order::time;
  rules::VerifyOptions rules;
  io::ReadLimits limits;
  // When set, verify's four outputs go to output_root/safe_name(source)/; else nothing is written.
  std::optional<std::filesystem::path> output_root;
  // The bound on each payload's outputs under output_root (none: verify's default).
  std::optional<std::uint64_t> max_output_bytes;
};

// What decides a verdict besides the payload's bytes, as recorded in each results line: the
// tool's version, the profile, max retries, the order, the format, the read limits and, when
// given, --accept-partial. One member per option: an option that changes verdicts is one line in
// judged_under().
JudgedUnder judged_under(const PayloadOptions& options);

// Verifies the file at `file`, naming it `source` in messages and in the result. The payload's
// events live in memory only during this call (one EventStore); the result records
// judged_under(options). Throws only for a failure that
// is not the payload's (an output directory that cannot be written is the payload's).
PayloadResult verify_file(const std::string& source, const std::filesystem::path& file,
                          const PayloadOptions& options);

// A directory name for a source: its characters outside [A-Za-z0-9._-] replaced by '_', cut to
// its last 120, then '-' and the first 8 hex digits of SHA-256(source), so two sources never share
// a directory however alike their cleaned names are.
std::string safe_name(std::string_view source);

}  // namespace kvonce::batch

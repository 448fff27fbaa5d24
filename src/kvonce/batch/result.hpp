// One payload's outcome in a batch, and its line in the results file.
//
// A results line is one JSON object (JSON Lines):
//   {"source":"payloads/kvonce-trace/2025/10/09/a.json.gz","sha256":"<hex>"|null,"bytes":N,
//    "events":N,"keys":N,"valid":true|false,"issueCounts":{"<issue type>":N,...},
//    "error":null|{"kind":"<error kind>","message":"..."},"seconds":S,
//    "firstIssue":{"traceId":"...","spanId":"..."},   (firstIssue only with an issue; spanId
//    optional)
//    "partial":["<warning>",...],   (only for a partial trace read with --accept-partial)
//    "judgedUnder":{"version":"0.1.0","profile":"spec","maxRetries":3,...}}
// sha256 and bytes are those of the payload as stored (before gunzip); sha256 is null when the
// payload could not be read at all. issueCounts counts issues (one per key and type) by type.
// valid is true only when the payload was read, held events and broke no rule. judgedUnder is
// what besides the payload's bytes decides its verdict (verify_payload.hpp: judged_under()):
// --resume reuses a line only when it equals this run's, and merge refuses shards that differ.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/util/error.hpp"

namespace kvonce::batch {

// The error kind as written in results lines: "usage", "input", "no_events", "limit", "output",
// "fetch", "auth", "integrity", "internal".
const char* kind_name(ErrorKind kind);

struct PayloadError {
  std::string kind;  // kind_name()
  std::string message;
};

// The options a verdict was judged under: member name -> its value as JSON text (compact), so
// lines compare member by member whatever their order. Empty: not recorded (older lines).
using JudgedUnder = std::map<std::string, std::string>;

// "name=value, ..." of the members where `a` and `b` differ ("(none)" for a missing one).
std::string judged_under_difference(const JudgedUnder& a, const JudgedUnder& b);

struct PayloadResult {
  std::string source;
  std::string sha256;  // "" = unknown (null in the line)
  std::uint64_t bytes = 0;
  std::uint64_t events = 0;
  std::uint64_t keys = 0;
  bool valid = false;
  std::map<std::string, std::uint64_t> issue_counts;
  std::optional<PayloadError> error;
  double seconds = 0;
  // The first issue's trace and span ids, for a trace link; "" when valid or not recorded.
  std::string first_trace_id = {}, first_span_id = {};
  // The warnings of a partial trace read with --accept-partial: its verdict is of the part
  // returned. Empty for a complete trace.
  std::vector<std::string> partial = {};
  JudgedUnder judged_under = {};

  // Verified to a verdict: read to the end, with events, valid or not.
  bool verified() const { return !error; }
  bool no_events() const { return error && error->kind == "no_events"; }
  bool failed() const { return error && !no_events(); }
  std::uint64_t issues() const;
};

// The results line, '\n' included. Text that is not UTF-8 is replaced, never rejected.
std::string to_json_line(const PayloadResult& result);

// Parses one results line. Error(input) with a short reason when it is not such a line.
PayloadResult parse_result_line(std::string_view line);

}  // namespace kvonce::batch

// What a payload reader saw: records read, events kept, records skipped and why.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace kvonce {

struct ReadStats {
  std::uint64_t documents = 0;      // OTLP documents (JSON texts) read
  std::uint64_t records = 0;        // spans (OTLP) or lines holding an object (NDJSON)
  std::uint64_t events = 0;         // events emitted
  std::uint64_t not_kvonce = 0;     // records with neither kvonce.event.type nor key
  std::uint64_t missing_type = 0;   // a key but no type
  std::uint64_t missing_key = 0;    // a type but no key
  std::uint64_t bad_timestamp = 0;  // missing or invalid start time
  std::uint64_t duplicates = 0;     // a span exported twice (same traceId and spanId)
  std::uint64_t warning_count = 0;
  std::vector<std::string> warnings;  // the first few, each with its location
  // Back-end responses read although they hold only part of their trace (--accept-partial): every
  // verdict on them is of the part returned, so these are kept apart and never crowded out.
  std::uint64_t partial_count = 0;
  std::vector<std::string> partial;  // the first few, each with its location

  static constexpr std::size_t kMaxKeptWarnings = 20;
  void warn(std::string message) {
    ++warning_count;
    if (warnings.size() < kMaxKeptWarnings) warnings.push_back(std::move(message));
  }
  void warn_partial(std::string message) {
    ++partial_count;
    if (partial.size() < kMaxKeptWarnings) partial.push_back(std::move(message));
  }
  std::uint64_t skipped() const {
    return not_kvonce + missing_type + missing_key + bad_timestamp + duplicates;
  }
};

}  // namespace kvonce

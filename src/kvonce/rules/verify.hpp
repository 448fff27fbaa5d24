// The KvOnce conformance rules: one entry point, two profiles.
#pragma once

#include <cstdint>
#include <vector>

#include "kvonce/event/event_store.hpp"
#include "kvonce/rules/issue.hpp"

namespace kvonce::rules {

enum class Profile { spec, compat };
const char* to_string(Profile profile);

struct VerifyOptions {
  Profile profile = Profile::spec;
  std::int64_t max_retries = 3;  // MAX_RETRIES of the KvOnce specification
  // spec only: judge the order-dependent rules by real time (the events are in verification
  // order, rules/realtime_order.hpp), intervals widened by the clock skew on both sides.
  bool realtime = false;
  std::uint64_t clock_skew_ns = 0;
};

struct VerifyResult {
  std::vector<Issue> issues;  // spec: by first offending event; compat: the validator's order
  std::uint64_t keys = 0;     // distinct keys among the events
  // Every event's key is a string (spec): `keys` then counts them as the projection does.
  bool string_keys = false;
  bool valid() const { return issues.empty(); }
};

// Checks events in the order the store holds them (the caller orders them first).
VerifyResult verify(const EventStore& events, const VerifyOptions& options);

// The profiles, for tests and benchmarks.
VerifyResult verify_spec(const EventStore& events, std::int64_t max_retries);
VerifyResult verify_spec_realtime(const EventStore& events, std::int64_t max_retries,
                                  std::uint64_t skew_ns);
VerifyResult verify_compat(const EventStore& events, std::int64_t max_retries);

}  // namespace kvonce::rules

#include "kvonce/rules/verify.hpp"

namespace kvonce::rules {

const char* to_string(Profile profile) {
  return profile == Profile::spec ? "spec" : "compat";
}

VerifyResult verify(const EventStore& events, const VerifyOptions& options) {
  if (options.profile == Profile::compat) return verify_compat(events, options.max_retries);
  return options.realtime ? verify_spec_realtime(events, options.max_retries, options.clock_skew_ns)
                          : verify_spec(events, options.max_retries);
}

}  // namespace kvonce::rules

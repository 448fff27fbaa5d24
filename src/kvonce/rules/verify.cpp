#include "kvonce/rules/verify.hpp"

namespace kvonce::rules {

const char* to_string(Profile profile) {
  return profile == Profile::spec ? "spec" : "compat";
}

VerifyResult verify(const EventStore& events, const VerifyOptions& options) {
  return options.profile == Profile::spec ? verify_spec(events, options.max_retries)
                                          : verify_compat(events, options.max_retries);
}

}  // namespace kvonce::rules

// What the two request-handler fuzz targets of `receive` share: small limits, and a token when
// the flag byte asks for one.
#pragma once

#include "kvonce/receive/server.hpp"

#include "fuzz_support.hpp"

namespace kvonce::fuzz {

inline receive::ServerOptions receive_options(unsigned flags) {
  receive::ServerOptions options;
  options.limits.max_request_bytes = 64 * 1024;
  options.limits.read = small_limits();
  options.limits.max_spans = 1000;
  if (flags & 0x10) options.token = "t";
  return options;
}

}  // namespace kvonce::fuzz

// The OTLP sample payload embedded in the binary: a small conformant KvOnce trace that `run`
// verifies when no payload is given, so the tool does something useful out of the box.
#pragma once

#include <string_view>

namespace kvonce::payload {

std::string_view embedded_sample();
inline constexpr const char* kEmbeddedSampleName = "embedded:kvonce-otlp-sample.json";

}  // namespace kvonce::payload

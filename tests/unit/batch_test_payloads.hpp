// Payload texts and trees for the batch tests: valid, invalid, corrupt and event-less payloads.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>

#include "support/test_support.hpp"

namespace kvonce::test {

// An NDJSON event line at second `t` of 2025-10-04.
inline std::string ndjson_event(int t, const std::string& type, const std::string& key,
                                const std::string& extra = "") {
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "2025-10-04T%02d:%02d:%02d.000Z", 6 + t / 3600, t / 60 % 60,
                t % 60);
  return std::string("{\"timestamp\":\"") + stamp + "\",\"type\":\"" + type + "\",\"key\":\"" +
         key + "\"" + (extra.empty() ? "" : "," + extra) + "}\n";
}

// `keys` keys, each written once: conformant under the spec profile.
inline std::string valid_payload(int keys, const std::string& prefix = "k") {
  std::string text;
  for (int i = 0; i < keys; ++i) {
    text += ndjson_event(i, "success", prefix + std::to_string(i),
                         "\"context\":{\"attempts\":1},\"value\":\"v\"");
  }
  return text;
}

// Two successes for "dup": one multiple-success issue (plus a valid key).
inline std::string invalid_payload() {
  return valid_payload(1, "ok") +
         ndjson_event(10, "success", "dup", "\"context\":{\"attempts\":1},\"value\":\"a\"") +
         ndjson_event(11, "success", "dup", "\"context\":{\"attempts\":1},\"value\":\"b\"");
}

// Records, but none a KvOnce event.
inline std::string eventless_payload() {
  return "{\"timestamp\":\"2025-10-04T06:00:00.000Z\"}\n";
}

// Not JSON after the first line.
inline std::string corrupt_payload() {
  return valid_payload(1) + "{\"timestamp\": [[[\n";
}

inline void write_payload(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  write_file(path, text);
}

}  // namespace kvonce::test

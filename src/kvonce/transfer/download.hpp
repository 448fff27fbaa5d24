// Downloading one object to a local file: streamed, bounded, hashed, retried, atomic.
//
// Shared by every remote source (URL, GitHub artifact, S3, GCS). The body goes to a temporary
// file beside the target while it is hashed (SHA-256); the file is renamed into place only when
// the transfer is complete, within max_bytes and, if given, equal to expect_sha256. A failed
// download leaves neither the target nor a temporary file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "kvonce/net/http.hpp"
#include "kvonce/transfer/retry.hpp"
#include "kvonce/util/clock.hpp"
#include "kvonce/util/output_dir.hpp"

namespace kvonce::transfer {

struct DownloadPolicy {
  std::uint64_t max_bytes = 10ULL << 20;     // 0 = no limit; over it: Error(limit)
  std::optional<std::string> expect_sha256;  // lower/upper-case hex; mismatch: Error(integrity)
  int retries = 3;                           // extra attempts after the first
  long timeout_ms = 120'000;                 // per attempt, whole transfer
  long connect_timeout_ms = 10'000;
  long initial_backoff_ms = 500;  // doubled per attempt, with jitter; Retry-After wins
  long max_backoff_ms = 30'000;
  bool allow_plain_http = false;  // http:// beyond loopback hosts
  // Passed to the retry loop (retry.hpp): the wait between attempts (empty = really sleep) and
  // one line per retry (empty = silent).
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<void(const std::string&)> log;
  // The wall clock of request signatures, credential session names and Retry-After dates;
  // empty = the system's.
  Clock clock;
};

struct DownloadResult {
  std::string sha256;  // of the bytes as stored (never decoded)
  std::uint64_t size_bytes = 0;
  int attempts = 0;
  long http_status = 0;
  std::string content_encoding;  // as the server declared it ("" when none)
};

// The retry settings of a download policy, for requests that are not downloads to a file.
RetryPolicy retry_policy_of(const DownloadPolicy& policy);

// `make_request` is called once per attempt, so signatures and tokens are fresh each time.
// `label` names the source in messages and must already be redacted (no secrets).
// Retries: connection errors, timeouts, resets, 5xx, 429 and S3 SlowDown, honouring Retry-After;
// never 4xx auth errors. Errors name the source, HTTP status and the service's error code
// (AccessDenied, NoSuchKey, ExpiredToken, ...) with a hint.
DownloadResult download_to_file(net::HttpTransport& transport,
                                const std::function<net::HttpRequest()>& make_request,
                                const OutputPath& target, const DownloadPolicy& policy,
                                const std::string& label);

}  // namespace kvonce::transfer

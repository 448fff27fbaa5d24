// download_to_file: one object to one file, through the shared retry loop (see download.hpp).
//
// Each attempt starts a fresh temporary file (AtomicFile) and a fresh hash, so a transfer cut
// short and retried never leaves stale bytes; only a complete, verified body is renamed into
// place, and AtomicFile removes the temporary file on every other way out.
#include "kvonce/fetch/download.hpp"

#include <optional>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/fetch/retry.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::fetch {
namespace {

struct Attempt {
  std::optional<AtomicFile> file;
  std::optional<crypto::Sha256> sha;
  std::uint64_t bytes = 0;
};

[[noreturn]] void over_limit(const std::string& label, std::uint64_t max_bytes) {
  fail(ErrorKind::limit,
       label + ": the payload is larger than --max-bytes (" + std::to_string(max_bytes) +
           " bytes); split the batches in the Collector (smaller send_batch_max_size) or raise "
           "--max-bytes");
}

std::string normalised_hex(const std::string& text) {
  const std::string lower = to_lower_ascii(trim(text));
  if (lower.size() != 64 || lower.find_first_not_of("0123456789abcdef") != std::string::npos) {
    fail(ErrorKind::usage, "--expect-sha256 must be 64 hexadecimal digits");
  }
  return lower;
}

}  // namespace

DownloadResult download_to_file(net::HttpTransport& transport,
                                const std::function<net::HttpRequest()>& make_request,
                                const std::filesystem::path& target, const DownloadPolicy& policy,
                                const std::string& label) {
  const std::optional<std::string> expected =
      policy.expect_sha256 ? std::optional(normalised_hex(*policy.expect_sha256)) : std::nullopt;
  ensure_directory(target.parent_path());
  Attempt state;
  // Called once per attempt: discard what an earlier attempt wrote, then build the request.
  const auto fresh_request = [&] {
    state.file.reset();
    state.file.emplace(target);
    state.sha.reset();
    state.sha.emplace();
    state.bytes = 0;
    net::HttpRequest request = make_request();
    request.timeout_ms = policy.timeout_ms;
    request.connect_timeout_ms = policy.connect_timeout_ms;
    request.allow_plain_http = request.allow_plain_http || policy.allow_plain_http;
    return request;
  };
  const net::BodySink sink = [&](std::string_view chunk) {
    state.bytes += chunk.size();
    if (policy.max_bytes != 0 && state.bytes > policy.max_bytes)
      over_limit(label, policy.max_bytes);
    state.sha->update(chunk);
    state.file->write(chunk);
    return true;
  };
  RetryPolicy retry;
  retry.retries = policy.retries;
  retry.initial_backoff_ms = policy.initial_backoff_ms;
  retry.max_backoff_ms = policy.max_backoff_ms;
  retry.sleep = policy.sleep;
  retry.log = policy.log;

  DownloadResult result;
  const net::HttpResponse response =
      perform_with_retries(transport, fresh_request, retry, label, &result.attempts, sink);
  if (response.status < 200 || response.status > 299) throw_http_error(response, label);
  result.sha256 = state.sha->finish_hex();
  if (expected && *expected != result.sha256) {
    fail(ErrorKind::integrity, label + ": SHA-256 " + result.sha256 +
                                   " differs from --expect-sha256 " + *expected +
                                   "; the file was not kept");
  }
  state.file->commit();
  result.size_bytes = state.bytes;
  result.http_status = response.status;
  result.content_encoding = response.header("content-encoding").value_or("");
  return result;
}

}  // namespace kvonce::fetch

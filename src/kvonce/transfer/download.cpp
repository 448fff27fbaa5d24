// download_to_file: one object to one file, through the shared retry loop (see download.hpp).
//
// Each attempt starts a fresh temporary file and a fresh hash (VerifiedFile), so a transfer cut
// short and retried never leaves stale bytes; only a complete, verified body is renamed into
// place, and the temporary file is removed on every other way out.
#include "kvonce/transfer/download.hpp"

#include <optional>

#include "kvonce/transfer/retry.hpp"
#include "kvonce/transfer/verified_file.hpp"

namespace kvonce::transfer {

RetryPolicy retry_policy_of(const DownloadPolicy& p) {
  RetryPolicy retry;
  retry.retries = p.retries;
  retry.initial_backoff_ms = p.initial_backoff_ms;
  retry.max_backoff_ms = p.max_backoff_ms;
  retry.sleep = p.sleep;
  retry.log = p.log;
  retry.clock = p.clock;
  return retry;
}

DownloadResult download_to_file(net::HttpTransport& transport,
                                const std::function<net::HttpRequest()>& make_request,
                                const OutputPath& target, const DownloadPolicy& policy,
                                const std::string& label) {
  const std::optional<std::string> expected =
      policy.expect_sha256 ? std::optional(normalise_sha256(*policy.expect_sha256)) : std::nullopt;
  std::optional<VerifiedFile> file;
  // Called once per attempt: drop what an earlier attempt wrote, then build the request.
  const auto fresh_request = [&] {
    file.reset();
    file.emplace(target, policy.max_bytes, label);
    net::HttpRequest request = make_request();
    request.timeout_ms = policy.timeout_ms;
    request.connect_timeout_ms = policy.connect_timeout_ms;
    request.allow_plain_http = request.allow_plain_http || policy.allow_plain_http;
    return request;
  };
  const net::BodySink sink = [&](std::string_view chunk) {
    file->write(chunk);
    return true;
  };
  const RetryPolicy retry = retry_policy_of(policy);

  DownloadResult result;
  const net::HttpResponse response =
      perform_with_retries(transport, fresh_request, retry, label, &result.attempts, sink);
  if (response.status < 200 || response.status > 299)
    throw_http_error(response, label, now(policy.clock));
  result.sha256 = file->commit(expected);
  result.size_bytes = file->size();
  result.http_status = response.status;
  result.content_encoding = response.header("content-encoding").value_or("");
  return result;
}

}  // namespace kvonce::transfer

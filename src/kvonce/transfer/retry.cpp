// The shared retry loop and the translation of HTTP error responses into kvonce::Error.
#include "kvonce/transfer/retry.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <random>
#include <thread>

#include "kvonce/transfer/service_error.hpp"
#include "kvonce/util/console_text.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"
#include "kvonce/util/time.hpp"

namespace kvonce::transfer {
namespace {

using std::chrono::milliseconds;

// Exponential backoff with jitter: a random wait in [b/2, b] for b = initial * 2^(n-1), capped.
// The jitter spreads the retries of many CI jobs hitting the same service at once.
milliseconds backoff(const RetryPolicy& policy, int failed_attempts) {
  const double base = static_cast<double>(std::max(0L, policy.initial_backoff_ms)) *
                      std::pow(2.0, std::min(failed_attempts - 1, 30));
  const double capped = std::min(base, static_cast<double>(std::max(0L, policy.max_backoff_ms)));
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return milliseconds(static_cast<long>(capped * jitter(rng)));
}

void wait(const RetryPolicy& policy, milliseconds delay) {
  if (policy.sleep) {
    policy.sleep(delay);
  } else {
    std::this_thread::sleep_for(delay);
  }
}

std::string seconds_text(milliseconds delay) {
  return format_number(std::round(static_cast<double>(delay.count()) / 100.0) / 10.0) + " s";
}

}  // namespace

bool is_retryable_response(const net::HttpResponse& response) {
  const long s = response.status;
  if (s >= 500 && s <= 599) return s != 501 && s != 505;
  if (is_rate_limited(response)) return true;
  if (s >= 400) return parse_service_error(response).code == "SlowDown";
  return false;
}

std::optional<milliseconds> retry_after(const net::HttpResponse& response,
                                        std::chrono::system_clock::time_point now) {
  const auto value = response.header("retry-after");
  if (!value) return std::nullopt;
  const std::string_view text = trim(*value);
  if (const auto seconds = parse_u64(text)) {
    return milliseconds(static_cast<long>(std::min<std::uint64_t>(*seconds, 86'400) * 1000));
  }
  // HTTP date, IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT" (C locale names).
  std::tm tm{};
  const std::string copy(text);
  const char* end = ::strptime(copy.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end || *end != '\0') return std::nullopt;
  const auto when = std::chrono::system_clock::from_time_t(::timegm(&tm));
  const auto delta = std::chrono::duration_cast<milliseconds>(when - now);
  return std::max(milliseconds(0), delta);
}

net::HttpResponse perform_with_retries(net::HttpTransport& transport,
                                       const std::function<net::HttpRequest()>& make_request,
                                       const RetryPolicy& policy, const std::string& label,
                                       int* attempts, const net::BodySink& sink) {
  const int max_attempts = 1 + std::max(0, policy.retries);
  for (int attempt = 1;; ++attempt) {
    if (attempts) *attempts = attempt;
    const std::string progress =
        " (attempt " + std::to_string(attempt + 1) + " of " + std::to_string(max_attempts) + ")";
    try {
      net::HttpResponse response = transport.perform(make_request(), sink);
      if (attempt == max_attempts || !is_retryable_response(response)) return response;
      const auto asked = retry_after(response, now(policy.clock));
      if (asked && asked->count() > policy.max_backoff_ms) return response;  // too long to wait
      const milliseconds delay =
          std::max(backoff(policy, attempt), asked.value_or(milliseconds(0)));
      if (policy.log) {
        policy.log(console_escape(label) + ": HTTP " + std::to_string(response.status) +
                   ", retrying in " + seconds_text(delay) + progress);
      }
      wait(policy, delay);
    } catch (const net::TransportError& e) {
      if (!e.retryable()) fail(ErrorKind::fetch, label + ": " + e.what());
      if (attempt == max_attempts) {
        const std::string tries =
            attempt > 1 ? " (gave up after " + std::to_string(attempt) + " attempts)" : "";
        fail(ErrorKind::fetch, label + ": " + e.what() + tries);
      }
      const milliseconds delay = backoff(policy, attempt);
      if (policy.log)
        policy.log(console_escape(label + ": " + e.what()) + ", retrying in " +
                   seconds_text(delay) + progress);
      wait(policy, delay);
    }
  }
}

[[noreturn]] void throw_http_error(const net::HttpResponse& response, const std::string& label,
                                   std::chrono::system_clock::time_point now,
                                   const std::string& hint) {
  const ServiceError service = parse_service_error(response);
  std::string message = label + ": HTTP " + std::to_string(response.status);
  if (!service.code.empty()) message += " " + service.code;
  if (!service.message.empty()) message += " (" + service.message + ")";
  std::string advice = hint;
  if (advice.empty()) {
    // A wait the service asked for and the retries did not make: more retries would not help.
    const auto asked = is_rate_limited(response) ? retry_after(response, now) : std::nullopt;
    advice = asked ? "rate limited: the service asks to wait " + seconds_text(*asked) +
                         " (Retry-After); try again after that"
                   : hint_for(response, service);
  }
  if (!advice.empty()) message += "; " + advice;
  fail(error_kind_for(response, service.code), message);
}

}  // namespace kvonce::transfer

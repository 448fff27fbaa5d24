// A scripted HttpTransport for the fetch tests: answers requests from a queue of steps, delivers
// 2xx bodies to the sink in chunks and can fail part-way through a body, as a reset connection
// does. Follows the sink contract of http.hpp (only 2xx bodies reach the sink).
#pragma once

#include <algorithm>
#include <cctype>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "kvonce/net/http.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::test::script {

struct Step {
  long status = 200;
  net::Headers headers;
  std::vector<std::string> chunks;  // the body, in the pieces the sink receives
  // Thrown after the chunks were delivered (a connection reset mid-body, a timeout, ...).
  std::optional<net::TransportError> failure;
};

inline Step ok(std::vector<std::string> chunks, net::Headers headers = {}) {
  return Step{200, std::move(headers), std::move(chunks), std::nullopt};
}
inline Step status(long code, std::string body = {}, net::Headers headers = {}) {
  return Step{code, std::move(headers), {std::move(body)}, std::nullopt};
}
inline Step broken(std::vector<std::string> chunks, net::TransportFailure failure,
                   bool retryable = true) {
  return Step{200,
              {},
              std::move(chunks),
              net::TransportError(failure, retryable, "127.0.0.1: connection trouble")};
}

// The value of a request header (case-insensitive name), or "<absent>".
inline std::string header_value(const net::HttpRequest& request, std::string_view name) {
  for (const auto& [n, v] : request.headers) {
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return std::tolower(a) == std::tolower(b);
        })) {
      return v;
    }
  }
  return "<absent>";
}

class ScriptedTransport : public net::HttpTransport {
 public:
  explicit ScriptedTransport(std::deque<Step> steps) : steps_(std::move(steps)) {}

  net::HttpResponse perform(const net::HttpRequest& request, const net::BodySink& sink) override {
    requests.push_back(request);
    if (steps_.empty()) throw std::logic_error("scripted transport: no step left");
    Step step = std::move(steps_.front());
    steps_.pop_front();
    net::HttpResponse response;
    response.status = step.status;
    response.headers = step.headers;
    response.effective_url = request.url;
    const bool to_sink = sink && step.status >= 200 && step.status < 300;
    for (const auto& chunk : step.chunks) {
      response.body_bytes += chunk.size();
      if (!to_sink) {
        response.body += chunk;
      } else if (!sink(chunk)) {
        fail(ErrorKind::fetch, "aborted by the receiver");
      }
    }
    if (step.failure) throw *step.failure;
    return response;
  }

  std::size_t remaining() const { return steps_.size(); }
  std::vector<net::HttpRequest> requests;

 private:
  std::deque<Step> steps_;
};

}  // namespace kvonce::test::script

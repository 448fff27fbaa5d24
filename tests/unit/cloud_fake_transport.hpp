// A scripted HttpTransport for the cloud source tests: records every request and answers it
// with a handler, honouring the sink contract of http.hpp (only 2xx bodies go to the sink).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "kvonce/fetch/download.hpp"
#include "kvonce/net/http.hpp"

namespace kvonce::test {

class FakeTransport : public net::HttpTransport {
 public:
  using Handler = std::function<net::HttpResponse(const net::HttpRequest&)>;
  explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}

  net::HttpResponse perform(const net::HttpRequest& request, const net::BodySink& sink) override {
    requests.push_back(request);
    net::HttpResponse response = handler_(request);
    response.effective_url = request.url;
    if (sink && response.status >= 200 && response.status < 300) {
      response.body_bytes = response.body.size();
      sink(response.body);
      response.body.clear();
    }
    return response;
  }

  std::vector<net::HttpRequest> requests;

 private:
  Handler handler_;
};

inline net::HttpResponse respond(long status, std::string body, net::Headers headers = {}) {
  net::HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  response.headers = std::move(headers);
  return response;
}

inline std::string header_of(const net::HttpRequest& request, const std::string& lower_name) {
  for (const auto& [name, value] : request.headers) {
    std::string n = name;
    for (char& c : n) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (n == lower_name) return value;
  }
  return "<absent>";
}

// No waiting between retries in unit tests.
inline fetch::DownloadPolicy quick_policy() {
  fetch::DownloadPolicy policy;
  policy.retries = 2;
  policy.sleep = [](std::chrono::milliseconds) {};
  return policy;
}

}  // namespace kvonce::test

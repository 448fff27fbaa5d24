// A scripted HttpTransport for the cloud source tests: records every request and answers it
// with a handler, honouring the sink contract of http.hpp (only 2xx bodies go to the sink).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kvonce/net/http.hpp"
#include "kvonce/net/url.hpp"
#include "kvonce/transfer/download.hpp"

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
inline transfer::DownloadPolicy quick_policy() {
  transfer::DownloadPolicy policy;
  policy.retries = 2;
  policy.sleep = [](std::chrono::milliseconds) {};
  return policy;
}

// Fields of an application/x-www-form-urlencoded body (a token request), names and values decoded.
inline std::map<std::string, std::string> form_fields(const std::string& body) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t end = body.find('&', start);
    if (end == std::string::npos) end = body.size();
    const std::string_view pair = std::string_view(body).substr(start, end - start);
    const std::size_t eq = pair.find('=');
    out[net::percent_decode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? "" : net::percent_decode(pair.substr(eq + 1));
    start = end + 1;
  }
  return out;
}

}  // namespace kvonce::test

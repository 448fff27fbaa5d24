// Bounded, retried API calls for the cloud sources.
#include "kvonce/cloud/api_call.hpp"

#include "kvonce/cloud/sigv4.hpp"
#include "kvonce/transfer/retry.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::cloud {

net::HttpRequest api_request(const ApiContext& context, std::string method, std::string url) {
  net::HttpRequest request;
  request.method = std::move(method);
  request.url = std::move(url);
  request.connect_timeout_ms = context.policy.connect_timeout_ms;
  request.timeout_ms = context.policy.timeout_ms;
  request.allow_plain_http = context.policy.allow_plain_http;
  request.resolve = context.resolve;
  return request;
}

net::HttpResponse call_api(const ApiContext& context,
                           const std::function<net::HttpRequest()>& make_request,
                           const std::string& label) {
  transfer::RetryPolicy retry;
  retry.retries = context.policy.retries;
  retry.initial_backoff_ms = context.policy.initial_backoff_ms;
  retry.max_backoff_ms = context.policy.max_backoff_ms;
  retry.sleep = context.policy.sleep;
  retry.log = context.policy.log;
  // The body of each attempt is collected here; a new attempt starts it afresh.
  std::string body;
  auto fresh_request = [&] {
    body.clear();
    return make_request();
  };
  const net::BodySink sink = [&](std::string_view chunk) {
    if (body.size() + chunk.size() > kMaxApiResponseBytes) {
      fail(ErrorKind::limit,
           label + ": response larger than " + std::to_string(kMaxApiResponseBytes >> 20) + " MiB");
    }
    body.append(chunk);
    return true;
  };
  net::HttpResponse response =
      transfer::perform_with_retries(context.transport, fresh_request, retry, label, nullptr, sink);
  // The transport keeps error documents in response.body; only 2xx bodies reach the sink.
  if (response.status >= 200 && response.status < 300) response.body = std::move(body);
  return response;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += uri_encode(name) + "=" + uri_encode(value);
  }
  return out;
}

std::string short_message(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (text.size() > 300) text = text.substr(0, 297) + "...";
  return text;
}

}  // namespace kvonce::cloud

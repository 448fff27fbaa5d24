#include "kvonce/cloud/google_token_endpoint.hpp"

#include "kvonce/transfer/service_error.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::cloud {

nlohmann::json post_for_token(const ApiContext& context, const std::string& url,
                              const net::Headers& headers, const std::string& body,
                              const std::string& label) {
  const auto response = call_api(
      context,
      [&] {
        auto request = api_request(context, "POST", url);
        request.headers = headers;
        request.headers.emplace_back("Accept", "application/json");
        request.body = body;
        return request;
      },
      label);
  if (response.status < 200 || response.status >= 300) {
    const auto error = transfer::parse_service_error(response);
    fail(response.status >= 500 ? ErrorKind::fetch : ErrorKind::auth,
         label + ": HTTP " + std::to_string(response.status) +
             (error.code.empty() ? "" : " " + error.code) +
             (error.message.empty() ? "" : " (" + short_message(error.message) + ")"));
  }
  auto doc = nlohmann::json::parse(response.body, nullptr, false);
  if (!doc.is_object()) fail(ErrorKind::auth, label + ": the answer is not a JSON object");
  return doc;
}

std::string token_field(const nlohmann::json& doc, const char* field, const std::string& label) {
  const auto it = doc.find(field);
  if (it == doc.end() || !it->is_string() || it->get<std::string>().empty()) {
    fail(ErrorKind::auth, label + ": answer without \"" + field + "\"");
  }
  return it->get<std::string>();
}

}  // namespace kvonce::cloud

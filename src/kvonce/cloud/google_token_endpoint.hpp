// POSTing to an OAuth/STS/IAM token endpoint and reading the JSON answer.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "kvonce/cloud/api_call.hpp"

namespace kvonce::cloud {

// POSTs `body` (with `headers`) to `url` and returns the JSON object of a 2xx answer. A 4xx
// answer is Error(auth) quoting the endpoint's error code and description, 5xx (after retries)
// Error(fetch); a 2xx answer that is not a JSON object is Error(auth). `label` is redacted.
nlohmann::json post_for_token(const ApiContext& context, const std::string& url,
                              const net::Headers& headers, const std::string& body,
                              const std::string& label);

// The string member `field` of `doc`; Error(auth) "<label>: answer without <field>" otherwise.
std::string token_field(const nlohmann::json& doc, const char* field, const std::string& label);

}  // namespace kvonce::cloud

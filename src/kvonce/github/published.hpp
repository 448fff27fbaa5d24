// What creating or updating a comment or a check run left on GitHub.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "kvonce/github/client.hpp"

namespace kvonce::github {

struct Published {
  bool created = false;  // false: an existing one was updated
  std::uint64_t id = 0;
  std::string url;  // html_url, "" when GitHub did not say
};

// The id and html_url of a POST or PATCH reply; Error(fetch) naming `what` when it has no id.
Published published(const Reply& reply, bool created, const std::string& what);

// The unsigned "id" member of a listed item, 0 when absent.
std::uint64_t id_of(const nlohmann::json& item);

// The string at item[outer][inner], or "" when absent.
std::string member_text(const nlohmann::json& item, const char* outer, const char* inner);

// GitHub logins and app slugs are case-insensitive.
bool same_name(const std::string& a, const std::string& b);

// JSON text of a request body; invalid UTF-8 (never expected, but traces are untrusted) is
// replaced rather than thrown on.
std::string dump(const nlohmann::json& doc);

}  // namespace kvonce::github

#include "kvonce/github/published.hpp"

#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::github {

std::string dump(const nlohmann::json& doc) {
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::uint64_t id_of(const nlohmann::json& item) {
  const auto it = item.find("id");
  return it != item.end() && it->is_number_unsigned() ? it->get<std::uint64_t>() : 0;
}

Published published(const Reply& reply, bool created, const std::string& what) {
  Published out;
  out.created = created;
  out.id = reply.body.is_object() ? id_of(reply.body) : 0;
  if (out.id == 0) fail(ErrorKind::fetch, "GitHub API: the " + what + " reply carries no id");
  const auto url = reply.body.find("html_url");
  if (url != reply.body.end() && url->is_string()) out.url = url->get<std::string>();
  return out;
}

std::string member_text(const nlohmann::json& item, const char* outer, const char* inner) {
  const auto o = item.find(outer);
  if (o == item.end() || !o->is_object()) return {};
  const auto i = o->find(inner);
  return i != o->end() && i->is_string() ? i->get<std::string>() : std::string();
}

bool same_name(const std::string& a, const std::string& b) {
  return !a.empty() && to_lower_ascii(a) == to_lower_ascii(b);
}

}  // namespace kvonce::github

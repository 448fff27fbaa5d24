// GitHub's pagination: the Link response header.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace kvonce::github {

// The rel="next" URL of a Link header (`<url>; rel="next", <url>; rel="last"`), if any.
std::optional<std::string> next_link(std::string_view link_header);

}  // namespace kvonce::github

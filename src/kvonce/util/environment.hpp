// Environment variables behind a function, so the core can be tested without touching the
// process environment.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

namespace kvonce {

// Returns the variable's value, or nullopt when it is unset or empty.
using Environment = std::function<std::optional<std::string>(const std::string& name)>;

Environment process_environment();
Environment environment_from(std::map<std::string, std::string> variables);

}  // namespace kvonce

// Environment variables behind a function, so the core can be tested without touching the
// process environment.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

namespace kvonce {

// Asked for a variable, answers its value, or nullopt when it is unset or empty: an empty
// variable is an unset one almost everywhere (a workflow passes empty inputs as empty
// variables). Where an empty value means a mistake (a payload source variable in GitHub
// Actions), set_but_empty() tells the two apart.
class Environment {
 public:
  // The raw lookup: nullopt when unset, the value (empty too) when set.
  using Lookup = std::function<std::optional<std::string>(const std::string& name)>;

  Environment() = default;
  template <typename F>
  requires std::is_invocable_r_v < std::optional<std::string>, F,
  const std::string& > &&(!std::is_same_v<std::remove_cvref_t<F>, Environment>)Environment(F lookup)
      : lookup_(std::move(lookup)) {}

  std::optional<std::string> operator()(const std::string& name) const {
    auto value = lookup_ ? lookup_(name) : std::nullopt;
    if (value && value->empty()) return std::nullopt;
    return value;
  }
  bool set_but_empty(const std::string& name) const {
    const auto value = lookup_ ? lookup_(name) : std::nullopt;
    return value && value->empty();
  }
  explicit operator bool() const { return static_cast<bool>(lookup_); }

 private:
  Lookup lookup_;
};

Environment process_environment();
Environment environment_from(std::map<std::string, std::string> variables);

}  // namespace kvonce

// What an object listing keeps and how many names it accepts, shared by fetch (a prefix into a
// directory) and batch (every payload under a prefix).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace kvonce::cloud {

// At most this many objects are fetched for one prefix (a guard against a mistyped prefix
// pointing at a whole bucket).
inline constexpr std::size_t kMaxListedObjects = 10'000;

struct ListingScope {
  // Names kept (folder markers "dir/" never are); the others are neither counted nor returned.
  std::function<bool(std::string_view name)> keep = [](std::string_view) { return true; };
  // More than `max` kept names is Error(limit): "<listing>: more than <max> <too_many>".
  std::size_t max = kMaxListedObjects;
  std::string too_many = "objects; narrow the prefix (for example with --date)";
};

// Whether a listed name is returned: not empty, not a folder marker, and kept.
bool is_listed(std::string_view name, const ListingScope& scope);

// Error(limit) naming `label` once more than scope.max names were kept.
void check_listing_size(std::size_t kept, const ListingScope& scope, const std::string& label);

}  // namespace kvonce::cloud

#include "kvonce/cloud/listing.hpp"

#include "kvonce/util/error.hpp"

namespace kvonce::cloud {

bool is_listed(std::string_view name, const ListingScope& scope) {
  return !name.empty() && name.back() != '/' && scope.keep(name);
}

void check_listing_size(std::size_t kept, const ListingScope& scope, const std::string& label) {
  if (kept > scope.max) {
    fail(ErrorKind::limit,
         label + ": more than " + std::to_string(scope.max) + " " + scope.too_many);
  }
}

}  // namespace kvonce::cloud

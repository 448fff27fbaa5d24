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

PageTokens::PageTokens(const ListingScope& scope, std::string label)
    : max_pages_(scope.max_pages), label_(std::move(label)) {}

void PageTokens::next(const std::string& token) {
  if (!seen_.insert(token).second) {
    fail(ErrorKind::fetch, label_ + ": page " + std::to_string(pages_) +
                               " repeats a continuation token of an earlier page; the listing "
                               "would never end");
  }
  if (++pages_ > max_pages_) {
    fail(ErrorKind::fetch, label_ + ": more than " + std::to_string(max_pages_) +
                               " pages; the listing does not end (narrow the prefix)");
  }
}

}  // namespace kvonce::cloud

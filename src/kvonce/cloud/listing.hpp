// What an object listing keeps and how many names it accepts, shared by fetch (a prefix into a
// directory) and batch (every payload under a prefix).
#pragma once

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <string_view>

namespace kvonce::cloud {

// At most this many objects are fetched for one prefix (a guard against a mistyped prefix
// pointing at a whole bucket).
inline constexpr std::size_t kMaxListedObjects = 10'000;

// At most this many pages are requested for one listing, kept names or not: S3 and GCS answer up
// to 1,000 names a page, so this covers ten million names, and a server that hands out fresh
// tokens for empty pages cannot keep a listing going for ever.
inline constexpr std::size_t kMaxListingPages = 10'000;

struct ListingScope {
  // Names kept (folder markers "dir/" never are); the others are neither counted nor returned.
  std::function<bool(std::string_view name)> keep = [](std::string_view) { return true; };
  // More than `max` kept names is Error(limit): "<listing>: more than <max> <too_many>".
  std::size_t max = kMaxListedObjects;
  std::string too_many = "objects; narrow the prefix (for example with --date)";
  // More than `max_pages` pages is Error(fetch).
  std::size_t max_pages = kMaxListingPages;
};

// Whether a listed name is returned: not empty, not a folder marker, and kept.
bool is_listed(std::string_view name, const ListingScope& scope);

// Error(limit) naming `label` once more than scope.max names were kept.
void check_listing_size(std::size_t kept, const ListingScope& scope, const std::string& label);

// The continuation tokens of one listing. A server that hands back a token it gave before (A, B,
// A, ...) would make the listing loop for ever, and so would one that never stops paging: both
// are Error(fetch) naming the listing, once a token repeats or once more than scope.max_pages
// pages were asked for.
class PageTokens {
 public:
  PageTokens(const ListingScope& scope, std::string label);

  // Records the token that asks for the next page; throws when it was seen before or when the
  // page it asks for would be one too many.
  void next(const std::string& token);

 private:
  std::size_t max_pages_;
  std::string label_;
  std::size_t pages_ = 1;       // the first page needs no token
  std::set<std::string> seen_;  // ordered: no hashing of server text
};

}  // namespace kvonce::cloud

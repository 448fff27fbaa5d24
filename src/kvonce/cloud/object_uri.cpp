// Parsing object-store URIs and mapping listed keys to local files.
#include "kvonce/cloud/object_uri.hpp"

#include "kvonce/net/url.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::cloud {
namespace {

bool valid_bucket_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

int parse_digits(std::string_view s) {
  int v = 0;
  for (const char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

// True when the text after a '?' carries a signature or credential parameter: a presigned
// HTTPS URL pasted with the wrong scheme, whose query must not be taken for part of a key.
bool looks_presigned(std::string_view text) {
  const std::size_t q = text.find('?');
  if (q == std::string_view::npos) return false;
  std::string_view query = text.substr(q + 1);
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (net::is_secret_query_parameter(pair.substr(0, pair.find('=')))) return true;
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return false;
}

}  // namespace

ObjectUri parse_object_uri(std::string_view text, std::string_view scheme) {
  const std::string wanted = std::string(scheme) + "://";
  if (looks_presigned(text)) {
    fail(ErrorKind::usage, "'" + std::string(text.substr(0, text.find('?'))) +
                               "?...' looks like a presigned URL: give it with --url");
  }
  if (text.substr(0, wanted.size()) != wanted) {
    fail(ErrorKind::usage, "'" + std::string(text) + "' is not a " + wanted + "bucket/key URI");
  }
  ObjectUri uri;
  uri.scheme = std::string(scheme);
  const std::string_view rest = text.substr(wanted.size());
  const std::size_t slash = rest.find('/');
  uri.bucket = std::string(rest.substr(0, slash));
  if (slash != std::string_view::npos) uri.key = std::string(rest.substr(slash + 1));
  if (uri.bucket.empty() || uri.bucket.size() > 222) {
    fail(ErrorKind::usage, "'" + std::string(text) + "': missing or overlong bucket name");
  }
  for (const char c : uri.bucket) {
    if (!valid_bucket_char(c)) {
      fail(ErrorKind::usage, "'" + std::string(text) + "': invalid character in bucket name");
    }
  }
  return uri;
}

std::string date_prefix(const std::string& date) {
  const bool shape = date.size() == 10 && date[4] == '-' && date[7] == '-';
  const int y = shape ? parse_digits(std::string_view(date).substr(0, 4)) : -1;
  const int m = shape ? parse_digits(std::string_view(date).substr(5, 2)) : -1;
  const int d = shape ? parse_digits(std::string_view(date).substr(8, 2)) : -1;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
  const bool valid = y >= 1970 && m >= 1 && m <= 12 && d >= 1 && d <= kDays[m - 1] &&
                     !(m == 2 && d == 29 && !leap);
  if (!valid) fail(ErrorKind::usage, "--date '" + date + "': expected a date YYYY-MM-DD");
  return "kvonce-trace/" + date.substr(0, 4) + "/" + date.substr(5, 2) + "/" + date.substr(8, 2) +
         "/";
}

std::string with_date_prefix(const std::string& uri, const std::string& date) {
  const std::size_t scheme_end = uri.find("://");
  std::string base = uri;
  if (scheme_end != std::string::npos && base.find('/', scheme_end + 3) == std::string::npos) {
    base.push_back('/');  // "s3://bucket" names the bucket root
  }
  if (base.empty() || base.back() != '/') {
    fail(ErrorKind::usage,
         "--date needs a bucket or a prefix ending in '/', not the object '" + uri + "'");
  }
  return base + date_prefix(date);
}

std::filesystem::path local_path_for(const std::filesystem::path& dir, std::string_view prefix,
                                     std::string_view key) {
  if (key.substr(0, prefix.size()) != prefix) {
    fail(ErrorKind::input, "listed object '" + std::string(key) + "' is outside the prefix");
  }
  const std::string_view rest = key.substr(prefix.size());
  std::filesystem::path out = dir;
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = rest.find('/', start);
    const std::string_view segment = rest.substr(start, slash - start);
    if (segment.empty() || segment == "." || segment == ".." ||
        segment.find_first_of(std::string_view("\\\0", 2)) != std::string_view::npos) {
      fail(ErrorKind::input, "listed object '" + std::string(key) +
                                 "' cannot be stored as a local file (empty, '.' or '..' path "
                                 "segment, or a backslash)");
    }
    out /= std::string(segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return out;
}

}  // namespace kvonce::cloud

// Object-store URIs shared by the S3 and GCS sources: "s3://bucket/key", "gs://bucket/object",
// prefixes (ending in '/'), the --date layout and the local file an object lands in.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace kvonce::cloud {

struct ObjectUri {
  std::string scheme;  // "s3" or "gs"
  std::string bucket;
  std::string key;  // object key or prefix, without the leading '/'; "" = the whole bucket
  bool is_prefix() const { return key.empty() || key.back() == '/'; }
  std::string str() const { return scheme + "://" + bucket + "/" + key; }
};

// Parses "<scheme>://bucket/key" (the key taken literally: '?', '#', spaces are part of it).
// Error(usage) when the scheme differs, the bucket is empty or holds characters no store allows
// in bucket names, or a '?' is followed by a signature or credential parameter (a presigned URL
// belongs to --url; the message leaves its query out).
ObjectUri parse_object_uri(std::string_view text, std::string_view scheme);

// "YYYY-MM-DD" -> "kvonce-trace/YYYY/MM/DD/". Error(usage) unless it is a valid calendar date.
std::string date_prefix(const std::string& date);

// `uri` (a bucket or a prefix, "s3://b", "s3://b/", "gs://b/base/") with date_prefix(date)
// appended: "s3://b/kvonce-trace/2025/10/09/". Error(usage) when uri names an object (no '/').
std::string with_date_prefix(const std::string& uri, const std::string& date);

// Where the object `key` listed under `prefix` goes below `dir`: the rest of the key after the
// prefix. Error(input) when that rest is empty or has an empty, "." or ".." segment, or a
// backslash or NUL, so no listed name can escape `dir` or collide with another.
std::filesystem::path local_path_for(const std::filesystem::path& dir, std::string_view prefix,
                                     std::string_view key);

}  // namespace kvonce::cloud

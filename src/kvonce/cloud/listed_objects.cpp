#include "kvonce/cloud/listed_objects.hpp"

#include <system_error>

#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::cloud {

std::vector<ObjectFetch> fetch_listed_objects(
    const std::vector<std::string>& keys, std::string_view prefix, const std::filesystem::path& dir,
    const std::string& what,
    const std::function<ObjectFetch(const std::string& key, const std::filesystem::path& file)>&
        fetch_one) {
  if (keys.empty()) fail(ErrorKind::input, what + ": no objects under this prefix");
  std::vector<std::filesystem::path> files;
  files.reserve(keys.size());
  for (const auto& key : keys) files.push_back(local_path_for(dir, prefix, key));

  std::vector<ObjectFetch> out;
  std::vector<std::filesystem::path> written;
  try {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      ensure_directory(files[i].parent_path());
      out.push_back(fetch_one(keys[i], files[i]));
      written.push_back(files[i]);
    }
  } catch (...) {
    for (const auto& file : written) {
      std::error_code ignored;
      std::filesystem::remove(file, ignored);
    }
    throw;
  }
  return out;
}

}  // namespace kvonce::cloud

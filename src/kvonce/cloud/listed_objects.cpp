#include "kvonce/cloud/listed_objects.hpp"

#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/output_dir.hpp"

namespace kvonce::cloud {

std::vector<ObjectFetch> fetch_listed_objects(
    const std::vector<std::string>& keys, std::string_view prefix, const OutputDir& dir,
    const std::string& what,
    const std::function<ObjectFetch(const std::string& key, const OutputPath& file)>& fetch_one) {
  if (keys.empty()) fail(ErrorKind::input, what + ": no objects under this prefix");
  std::vector<OutputPath> files;
  files.reserve(keys.size());
  for (const auto& key : keys) {
    files.emplace_back(dir, local_path_for(std::filesystem::path(), prefix, key));
  }

  std::vector<ObjectFetch> out;
  std::vector<const OutputPath*> written;
  try {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      out.push_back(fetch_one(keys[i], files[i]));
      written.push_back(&files[i]);
    }
  } catch (...) {
    for (const OutputPath* file : written) remove_output(*file);
    throw;
  }
  return out;
}

}  // namespace kvonce::cloud

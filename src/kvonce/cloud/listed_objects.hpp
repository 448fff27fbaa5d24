// Fetching every object of a listing into a directory, all or nothing.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/cloud/object_store.hpp"  // ObjectFetch

namespace kvonce::cloud {

// Calls fetch_one(key, local file) for every key, the file being local_path_for(dir, prefix, key),
// a name in `dir` that is never written through a link.
// Every local path is checked before the first download. When one fetch fails, the files already
// fetched by this call are removed and the error passes on. `what` names the listing (redacted)
// in messages; an empty `keys` is Error(input).
std::vector<ObjectFetch> fetch_listed_objects(
    const std::vector<std::string>& keys, std::string_view prefix, const OutputDir& dir,
    const std::string& what,
    const std::function<ObjectFetch(const std::string& key, const OutputPath& file)>& fetch_one);

}  // namespace kvonce::cloud

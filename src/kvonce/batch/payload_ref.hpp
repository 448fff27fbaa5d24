// One payload of a batch, as the input expansion found it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kvonce::batch {

enum class Location { local, remote };  // remote: in an object store

struct PayloadRef {
  // The payload's name in results, logs and the shard hash: a local path as the expansion built
  // it (the INPUT as written, then '/' and the path below it) or an object URI (s3://b/key).
  std::string source;
  Location location = Location::local;
};

// Whether a file or object name is one a directory walk or a listing picks up (the names of
// payload/file_names.hpp that batch takes).
bool is_payload_name(std::string_view name);

// Sorts by source and drops repeated sources (an INPUT given twice, or inside another).
void sort_unique(std::vector<PayloadRef>& refs);

}  // namespace kvonce::batch

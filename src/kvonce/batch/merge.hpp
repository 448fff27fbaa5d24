// `batch merge`: the results files of N shards combined into one set of results.
//
// Within one file the last line of a source wins (a payload that failed and was verified again
// by --resume). Across files a source must appear once: shards are disjoint by construction, so
// a source in two files means overlapping shards or a shard run twice over different inputs.
// Such a source is kept once per sha256 and reported as a duplicate, which fails the merge.
// Every line merged must have been judged under the same options (its judgedUnder, result.hpp):
// shards judged under another version, profile, max retries, order, format or limits are
// refused with Error(input) naming the two lines and what differs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "kvonce/batch/result.hpp"

namespace kvonce::batch {

struct MergeResult {
  std::vector<PayloadResult> results;   // one per (source, sha256), sorted by source
  std::vector<std::string> duplicates;  // "SOURCE in FILE_A and FILE_B"
  std::vector<std::string> notes;       // files read, torn last lines ignored
};

// Error(input) when a file cannot be read or holds a malformed line (naming FILE:LINE), or when
// two lines were judged under different options.
MergeResult merge_results(const std::vector<std::filesystem::path>& files);

}  // namespace kvonce::batch

#include "kvonce/batch/merge.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "kvonce/batch/results_file.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::batch {

namespace {

// The first line merged fixes the options; every other must have been judged under the same.
struct SameOptions {
  const PayloadResult* first = nullptr;
  std::filesystem::path first_file;

  void check(const PayloadResult& r, const std::filesystem::path& file) {
    if (!first) {
      first = &r;
      first_file = file;
      return;
    }
    if (r.judged_under == first->judged_under) return;
    fail(ErrorKind::input, file.string() + ": " + r.source +
                               " was judged under other options than " + first_file.string() +
                               ": " + first->source + " (" +
                               judged_under_difference(first->judged_under, r.judged_under) +
                               "); merge only shards of one batch, judged alike");
  }
};

}  // namespace

MergeResult merge_results(const std::vector<std::filesystem::path>& files) {
  MergeResult out;
  SameOptions same;
  std::vector<ResultsFile> read(files.size());
  std::map<std::string, std::size_t> file_of;  // source -> index of the first file holding it
  std::set<std::pair<std::string, std::string>> kept;
  std::uint64_t lines = 0;
  for (std::size_t f = 0; f < files.size(); ++f) {
    const ResultsFile& file = read[f] = read_results(files[f]);
    lines += file.results.size();
    if (file.torn_tail) {
      out.notes.push_back(files[f].string() +
                          ": an incomplete last line (an interrupted shard) "
                          "was ignored.");
    }
    std::map<std::string, const PayloadResult*> latest;  // last line per source in this file
    for (const PayloadResult& r : file.results) latest[r.source] = &r;
    for (const auto& [source, r] : latest) {
      same.check(*r, files[f]);
      const auto [it, first] = file_of.emplace(source, f);
      if (!first) {
        out.duplicates.push_back(source + " in " + files[it->second].string() + " and " +
                                 files[f].string());
      }
      if (kept.emplace(source, r->sha256).second) out.results.push_back(*r);
    }
  }
  std::stable_sort(
      out.results.begin(), out.results.end(),
      [](const PayloadResult& a, const PayloadResult& b) { return a.source < b.source; });
  out.notes.insert(out.notes.begin(), "Merged " + std::to_string(files.size()) +
                                          " results file(s), " + std::to_string(lines) + " lines.");
  return out;
}

}  // namespace kvonce::batch

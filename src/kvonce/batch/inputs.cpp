#include "kvonce/batch/inputs.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "kvonce/cloud/object_uri.hpp"
#include "kvonce/payload/file_names.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::batch {
namespace fs = std::filesystem;

bool is_payload_name(std::string_view name) {
  return payload::is_payload_name(name, payload::Picker::batch);
}

void sort_unique(std::vector<PayloadRef>& refs) {
  std::sort(refs.begin(), refs.end(),
            [](const PayloadRef& a, const PayloadRef& b) { return a.source < b.source; });
  refs.erase(
      std::unique(refs.begin(), refs.end(),
                  [](const PayloadRef& a, const PayloadRef& b) { return a.source == b.source; }),
      refs.end());
}

namespace {

// The INPUT as written without trailing slashes, so "dir/" and "dir" name payloads alike.
std::string without_trailing_slashes(std::string text) {
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

void walk(const fs::path& dir, const std::string& name_prefix, const std::string& input,
          std::vector<PayloadRef>& out) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (!it->is_regular_file(type_ec)) continue;
    const std::string name = it->path().filename().string();
    if (!is_payload_name(name)) continue;
    const std::string rel = it->path().lexically_relative(dir).generic_string();
    const bool slash = !name_prefix.empty() && name_prefix.back() == '/';  // the INPUT "/"
    out.push_back({name_prefix + (slash ? "" : "/") + rel, Location::local});
  }
  if (ec)
    fail(ErrorKind::input,
         "INPUT " + input + ": cannot read directory " + dir.string() + ": " + ec.message());
}

}  // namespace

void expand_local_input(const std::string& input, const std::vector<std::string>& dates,
                        std::vector<PayloadRef>& out) {
  std::error_code ec;
  const fs::file_status status = fs::status(input, ec);
  if (ec || !fs::exists(status)) {
    fail(ErrorKind::input, "INPUT " + input + ": no such file or directory");
  }
  if (!fs::is_directory(status)) {
    out.push_back({input, Location::local});
    return;
  }
  const std::string base = without_trailing_slashes(input);
  if (dates.empty()) {
    walk(input, base, input, out);
    return;
  }
  for (const std::string& date : dates) {
    const std::string day = cloud::date_prefix(date);
    const fs::path day_dir = fs::path(input) / day;
    if (!fs::is_directory(day_dir, ec)) continue;
    std::string day_name = day;
    day_name.pop_back();  // the prefix's trailing '/'
    walk(day_dir, base + "/" + day_name, input, out);
  }
}

}  // namespace kvonce::batch

#include "kvonce/payload/file_names.hpp"

#include <string>
#include <vector>

#include "kvonce/io/compression.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::payload {
namespace {

// Whether `name` ends with `suffix` followed by `then` ("" or a compression suffix).
bool ends_with(std::string_view name, std::string_view suffix, std::string_view then,
               bool need_stem) {
  const std::size_t size = suffix.size() + then.size();
  if (name.size() < size || (need_stem && name.size() == size)) return false;
  return name.substr(name.size() - size, suffix.size()) == suffix && name.ends_with(then);
}

}  // namespace

bool is_payload_name(std::string_view name, Picker picker) {
  const std::string lowered = picker == Picker::fetch ? to_lower_ascii(name) : std::string(name);
  const bool need_stem = picker != Picker::fetch;
  const std::string_view gz = io::row_of(io::Compression::gzip).suffix;
  for (const PayloadExtension& ext : kPayloadExtensions) {
    if (picked_by(ext.plain, picker) && ends_with(lowered, ext.suffix, "", need_stem)) return true;
    if (picked_by(ext.gzipped, picker) && ends_with(lowered, ext.suffix, gz, need_stem)) {
      return true;
    }
  }
  return false;
}

std::string name_patterns(Picker picker) {
  std::vector<std::string> patterns;
  const std::string gz(io::row_of(io::Compression::gzip).suffix);
  for (const PayloadExtension& ext : kPayloadExtensions) {
    if (picked_by(ext.plain, picker)) patterns.push_back("*" + std::string(ext.suffix));
    if (picked_by(ext.gzipped, picker)) patterns.push_back("*" + std::string(ext.suffix) + gz);
  }
  std::string out;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    out += (i == 0 ? "" : i + 1 == patterns.size() ? " and " : ", ") + patterns[i];
  }
  return out;
}

}  // namespace kvonce::payload

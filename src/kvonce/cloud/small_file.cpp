#include "kvonce/cloud/small_file.hpp"

#include <fstream>
#include <sstream>
#include <system_error>

#include "kvonce/util/error.hpp"

namespace kvonce::cloud {

std::optional<std::string> read_small_file(const std::filesystem::path& path,
                                           const std::string& what) {
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (ec) fail(ErrorKind::auth, what + ": cannot look up the file it names: " + ec.message());
  if (!exists) return std::nullopt;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) fail(ErrorKind::auth, what + " " + path.string() + ": cannot read: " + ec.message());
  if (size > (1u << 20)) fail(ErrorKind::auth, what + " " + path.string() + ": larger than 1 MiB");
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  if (!in && !in.eof()) fail(ErrorKind::auth, what + " " + path.string() + ": cannot read");
  return text.str();
}

}  // namespace kvonce::cloud

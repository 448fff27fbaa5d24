#include "kvonce/fetch/local_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>

#include "kvonce/fetch/metadata.hpp"
#include "kvonce/transfer/payload_choice.hpp"
#include "kvonce/transfer/verified_file.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::fetch {
namespace fs = std::filesystem;
transfer::DownloadResult copy_local_file(const fs::path& source, const OutputPath& target,
                                         const transfer::DownloadPolicy& policy) {
  std::error_code ec;
  if (fs::is_directory(source, ec)) {
    fail(ErrorKind::input, source.string() + ": is a directory (use --artifact-dir)");
  }
  std::ifstream in(source, std::ios::binary);
  if (!in) fail(ErrorKind::input, source.string() + ": cannot open: " + std::strerror(errno));
  const std::optional<std::string> expected =
      policy.expect_sha256 ? std::optional(transfer::normalise_sha256(*policy.expect_sha256))
                           : std::nullopt;
  transfer::DownloadResult result;
  result.attempts = 1;
  // A name the tool chose is replaced whatever it is (AtomicFile refuses a link there).
  if (!target.dir() && fs::exists(target.path(), ec) && fs::equivalent(source, target.path(), ec)) {
    // Copying a file onto itself would truncate it: check it in place instead.
    const PayloadMetadata m = describe_local_file(source, "", "");
    if (policy.max_bytes != 0 && m.size_bytes > policy.max_bytes) {
      transfer::fail_over_max_bytes(source.string(), policy.max_bytes);
    }
    if (expected && *expected != m.sha256) {
      fail(ErrorKind::integrity, source.string() + ": SHA-256 " + m.sha256 +
                                     " differs from --expect-sha256 " + *expected);
    }
    result.sha256 = m.sha256;
    result.size_bytes = m.size_bytes;
    result.content_encoding = m.content_encoding == "identity" ? "" : m.content_encoding;
    return result;
  }
  transfer::VerifiedFile file(target, policy.max_bytes, source.string());
  std::vector<char> buf(1 << 20);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    const auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    file.write(std::string_view(buf.data(), n));
  }
  if (in.bad()) fail(ErrorKind::input, source.string() + ": read failed");
  result.sha256 = file.commit(expected);
  result.size_bytes = file.size();
  result.content_encoding = file.sniffed_encoding();
  return result;
}

fs::path find_payload_in_directory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) fail(ErrorKind::input, dir.string() + ": not a directory");
  std::vector<std::string> names;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) fail(ErrorKind::input, dir.string() + ": cannot list: " + ec.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) fail(ErrorKind::input, dir.string() + ": cannot list: " + ec.message());
    if (it.depth() >= transfer::kMaxDirectoryDepth) it.disable_recursion_pending();
    if (it->is_symlink(ec) || !it->is_regular_file(ec)) continue;
    names.push_back(fs::relative(it->path(), dir, ec).generic_string());
  }
  std::sort(names.begin(), names.end());
  return dir / transfer::choose_payload(names, dir.string(), transfer::PayloadContainer::directory);
}

}  // namespace kvonce::fetch

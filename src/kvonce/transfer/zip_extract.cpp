// The only code that includes <zip.h>.
#include "kvonce/transfer/zip_extract.hpp"

#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include <zip.h>

#include "kvonce/transfer/payload_choice.hpp"
#include "kvonce/transfer/verified_file.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::transfer {
namespace fs = std::filesystem;
namespace {

constexpr zip_uint32_t kFileTypeMask = 0170000;
constexpr zip_uint32_t kSymlinkType = 0120000;

struct ZipClose {
  void operator()(zip_t* z) const { zip_discard(z); }  // read-only: never write back
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

std::unique_ptr<zip_t, ZipClose> open_archive(const fs::path& path, const std::string& label) {
  int code = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code);
  if (!z) {
    zip_error_t error;
    zip_error_init_with_code(&error, code);
    const std::string text = zip_error_strerror(&error);
    zip_error_fini(&error);
    fail(ErrorKind::input, label + ": not a readable zip archive: " + text);
  }
  return std::unique_ptr<zip_t, ZipClose>(z);
}

// Why an entry name may not be extracted, or "" when it may.
std::string unsafe_name_reason(const std::string& name) {
  if (name.empty()) return "empty name";
  if (name.front() == '/' || name.find('\\') != std::string::npos) return "absolute path";
  if (name.size() >= 2 && name[1] == ':') return "absolute path";
  std::size_t start = 0;
  while (start <= name.size()) {
    const auto slash = name.find('/', start);
    const auto segment =
        name.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (segment == "..") return "'..' path segment";
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return {};
}

bool is_symlink_entry(zip_t* z, zip_uint64_t index) {
  zip_uint8_t opsys = 0;
  zip_uint32_t attributes = 0;
  if (zip_file_get_external_attributes(z, index, 0, &opsys, &attributes) != 0) return false;
  return opsys == ZIP_OPSYS_UNIX && ((attributes >> 16) & kFileTypeMask) == kSymlinkType;
}

// Names of the file entries (directories skipped), after rejecting unsafe entries.
std::vector<std::string> checked_file_entries(zip_t* z, const std::string& label) {
  const zip_int64_t count = zip_get_num_entries(z, 0);
  std::vector<std::string> names;
  for (zip_int64_t i = 0; i < count; ++i) {
    const auto index = static_cast<zip_uint64_t>(i);
    const char* raw = zip_get_name(z, index, ZIP_FL_ENC_GUESS);
    const std::string name = raw ? raw : "";
    if (const auto reason = unsafe_name_reason(name); !reason.empty()) {
      fail(ErrorKind::input, label + ": entry '" + name + "' rejected (" + reason +
                                 "); the archive was not extracted");
    }
    if (is_symlink_entry(z, index)) {
      fail(ErrorKind::input,
           label + ": entry '" + name + "' is a symbolic link; the archive was not extracted");
    }
    if (!name.ends_with("/")) names.push_back(name);
  }
  return names;
}

}  // namespace

std::string libzip_runtime_version() {
  return zip_libzip_version();
}

bool looks_like_zip(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  char head[4] = {0, 0, 0, 0};
  in.read(head, 4);
  if (in.gcount() != 4 || head[0] != 'P' || head[1] != 'K') return false;
  return (head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6);
}

ZipExtraction extract_payload(const fs::path& zip, const OutputPath& target,
                              const DownloadPolicy& policy, const std::string& label) {
  const auto archive = open_archive(zip, label);
  const std::vector<std::string> names = checked_file_entries(archive.get(), label);
  ZipExtraction out;
  out.entry = choose_payload(names, label, PayloadContainer::archive);
  const zip_int64_t index = zip_name_locate(archive.get(), out.entry.c_str(), ZIP_FL_ENC_GUESS);
  zip_stat_t stat;
  zip_stat_init(&stat);
  if (index < 0 || zip_stat_index(archive.get(), static_cast<zip_uint64_t>(index), 0, &stat) != 0) {
    fail(ErrorKind::input, label + ": cannot read entry '" + out.entry + "'");
  }
  const std::string entry_label = label + " (entry " + out.entry + ")";
  // The declared size is checked first, so a zip bomb is refused before inflating anything;
  // VerifiedFile still counts the bytes that actually come out.
  if ((stat.valid & ZIP_STAT_SIZE) && policy.max_bytes != 0 && stat.size > policy.max_bytes) {
    fail_over_max_bytes(entry_label, policy.max_bytes);
  }
  std::unique_ptr<zip_file_t, ZipFileClose> entry(
      zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(index), 0));
  if (!entry) fail(ErrorKind::input, entry_label + ": cannot open: " + zip_strerror(archive.get()));
  const std::optional<std::string> expected =
      policy.expect_sha256 ? std::optional(normalise_sha256(*policy.expect_sha256)) : std::nullopt;
  VerifiedFile file(target, policy.max_bytes, entry_label);
  std::vector<char> buf(1 << 20);
  for (;;) {
    const zip_int64_t n = zip_fread(entry.get(), buf.data(), buf.size());
    if (n < 0) {
      fail(ErrorKind::input, entry_label + ": corrupt entry: " + zip_file_strerror(entry.get()));
    }
    if (n == 0) break;
    file.write(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
  out.file.sha256 = file.commit(expected);
  out.file.size_bytes = file.size();
  out.file.content_encoding = file.sniffed_encoding();
  out.file.attempts = 1;
  return out;
}

}  // namespace kvonce::transfer

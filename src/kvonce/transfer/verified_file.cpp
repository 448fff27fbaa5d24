#include "kvonce/transfer/verified_file.hpp"

#include "kvonce/io/compression.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::transfer {
namespace {

// A path the user named gets its directory; a name the tool chose, its directories (AtomicFile).
const OutputPath& with_directory(const OutputPath& target) {
  if (!target.dir()) ensure_directory(target.path().parent_path());
  return target;
}

}  // namespace

VerifiedFile::VerifiedFile(const OutputPath& target, std::uint64_t max_bytes, std::string label)
    : file_(with_directory(target)), max_bytes_(max_bytes), label_(std::move(label)) {}

void VerifiedFile::write(std::string_view chunk) {
  size_ += chunk.size();
  if (max_bytes_ != 0 && size_ > max_bytes_) fail_over_max_bytes(label_, max_bytes_);
  if (head_.size() < io::kCompressionMagicBytes) {
    head_.append(chunk.substr(0, io::kCompressionMagicBytes - head_.size()));
  }
  sha_.update(chunk);
  file_.write(chunk);
}

std::string VerifiedFile::commit(const std::optional<std::string>& expect_sha256) {
  std::string sha = sha_.finish_hex();
  if (expect_sha256 && *expect_sha256 != sha) {
    fail(ErrorKind::integrity, label_ + ": SHA-256 " + sha + " differs from --expect-sha256 " +
                                   *expect_sha256 + "; the file was not kept");
  }
  file_.commit();
  return sha;
}

std::string VerifiedFile::sniffed_encoding() const {
  const io::Compression c = io::sniff_compression(head_);
  return c == io::Compression::none ? "" : io::content_encoding(c);
}

std::string normalise_sha256(std::string_view text) {
  const std::string lower = to_lower_ascii(trim(text));
  if (lower.size() != 64 || lower.find_first_not_of("0123456789abcdef") != std::string::npos) {
    fail(ErrorKind::usage, "--expect-sha256 must be 64 hexadecimal digits");
  }
  return lower;
}

void fail_over_max_bytes(const std::string& label, std::uint64_t max_bytes) {
  fail(ErrorKind::limit,
       label + ": the payload is larger than --max-bytes (" + std::to_string(max_bytes) +
           " bytes); split the batches in the Collector (a smaller send_batch_max_size) or raise "
           "--max-bytes");
}

}  // namespace kvonce::transfer

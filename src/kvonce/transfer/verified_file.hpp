// A payload file written from a stream: bounded, hashed as it arrives, renamed into place only
// when complete and (if asked) equal to the expected SHA-256.
//
// Every source ends here (HTTP bodies, local copies, zip entries, the embedded sample), so the
// size limit, the hash and the no-partial-file rule are implemented once.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/util/atomic_file.hpp"

namespace kvonce::transfer {

class VerifiedFile {
 public:
  // Creates the temporary file beside `target` (and target's directory if needed; a name the
  // tool chose is never written through a link, see output_dir.hpp).
  // `label` names the source in messages (already redacted).
  VerifiedFile(const OutputPath& target, std::uint64_t max_bytes, std::string label);

  // Error(limit) once more than max_bytes (0 = no limit) have arrived.
  void write(std::string_view chunk);

  // Checks the hash against `expect_sha256` (normalised lower-case hex) and renames the file into
  // place; Error(integrity) on a mismatch, and the temporary file is removed. Returns the SHA-256.
  std::string commit(const std::optional<std::string>& expect_sha256);

  std::uint64_t size() const { return size_; }
  // "gzip" or "zstd" when the bytes start with their magic (io::sniff_compression), else "".
  std::string sniffed_encoding() const;

 private:
  AtomicFile file_;
  crypto::Sha256 sha_;
  std::uint64_t max_bytes_;
  std::uint64_t size_ = 0;
  std::string head_;  // the first bytes, for the compression magic
  std::string label_;
};

// "--expect-sha256" text -> 64 lower-case hex digits; Error(usage) otherwise.
std::string normalise_sha256(std::string_view text);

// The limit message every source shares: names the source and tells how to get under it.
[[noreturn]] void fail_over_max_bytes(const std::string& label, std::uint64_t max_bytes);

}  // namespace kvonce::transfer

// A ByteSource that hashes the bytes it passes on, so a payload is read once for both its
// SHA-256 and its events.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/io/byte_source.hpp"

namespace kvonce::io {

// Owns the raw source and the running hash. The reader gets a HashingSource (which forwards
// here); when the reader stops early, drain() hashes what it left, so the digest is always that
// of the whole payload.
class HashedInput {
 public:
  HashedInput(std::unique_ptr<ByteSource> raw, std::string name);
  std::size_t read(char* buf, std::size_t size);
  const std::string& name() const { return name_; }
  void drain();              // reads and hashes the rest; throws as the raw source does
  std::string finish_hex();  // after drain(); later calls (and drains) give the same digest
  std::uint64_t bytes() const { return bytes_; }
  std::unique_ptr<ByteSource> reader();  // the source to hand to the payload reader

 private:
  std::unique_ptr<ByteSource> raw_;
  std::string name_;
  crypto::Sha256 sha_;
  std::uint64_t bytes_ = 0;
  std::string digest_;  // once finished
};

// SHA-256 (hex) and size of a whole file. Throws Error(input) when it cannot be read.
std::string sha256_of_file(const std::string& path, std::uint64_t& bytes);

}  // namespace kvonce::io

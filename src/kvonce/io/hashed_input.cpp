#include "kvonce/io/hashed_input.hpp"

#include <string_view>
#include <vector>

namespace kvonce::io {
namespace {

class HashingSource final : public ByteSource {
 public:
  explicit HashingSource(HashedInput& input) : input_(input) {}
  std::size_t read(char* buf, std::size_t size) override { return input_.read(buf, size); }
  const std::string& name() const override { return input_.name(); }

 private:
  HashedInput& input_;
};

}  // namespace

HashedInput::HashedInput(std::unique_ptr<ByteSource> raw, std::string name)
    : raw_(std::move(raw)), name_(std::move(name)) {}

std::size_t HashedInput::read(char* buf, std::size_t size) {
  const std::size_t n = raw_->read(buf, size);
  sha_.update(std::string_view(buf, n));
  bytes_ += n;
  return n;
}

void HashedInput::drain() {
  if (!digest_.empty()) return;
  std::vector<char> buf(1 << 16);
  while (read(buf.data(), buf.size()) != 0) {
  }
}

std::string HashedInput::finish_hex() {
  if (digest_.empty()) digest_ = sha_.finish_hex();
  return digest_;
}

std::unique_ptr<ByteSource> HashedInput::reader() {
  return std::make_unique<HashingSource>(*this);
}

std::string sha256_of_file(const std::string& path, std::uint64_t& bytes) {
  HashedInput input(open_file(path), path);
  input.drain();
  bytes = input.bytes();
  return input.finish_hex();
}

}  // namespace kvonce::io

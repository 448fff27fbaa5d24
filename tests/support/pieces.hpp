// A source that hands out at most `step` bytes per read, so that a reader's refills split what it
// reads (strings, headers, blocks, trailers) at every place.
#pragma once

#include <algorithm>
#include <string>
#include <utility>

#include "kvonce/io/byte_source.hpp"

namespace kvonce::test {

class Pieces final : public io::ByteSource {
 public:
  Pieces(std::string s, std::size_t step, std::string name = "pieces")
      : s_(std::move(s)), name_(std::move(name)), step_(step) {}
  std::size_t read(char* buf, std::size_t size) override {
    const std::size_t n = std::min({size, step_, s_.size() - pos_});
    s_.copy(buf, n, pos_);
    pos_ += n;
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string s_, name_;
  std::size_t step_, pos_ = 0;
};

}  // namespace kvonce::test

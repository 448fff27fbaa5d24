// Where generated payload bytes go: a file (written atomically), a gzip or zstd encoder in front
// of another sink, or a counter (to size a payload before writing it).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace kvonce::bench {

class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(std::string_view bytes) = 0;
  // Flushes and commits; without it a file sink leaves no file behind.
  virtual void finish() = 0;
};

// A file ("-" = standard output) that appears whole on finish() or not at all.
std::unique_ptr<ByteSink> file_sink(const std::string& path);

// One gzip member, deflated as bytes arrive (constant memory), written to `out`.
std::unique_ptr<ByteSink> gzip_sink(std::unique_ptr<ByteSink> out, int level = 6);

// zstd frames (one per write, so the file has many frames, as streamed writers produce), written
// to `out`.
std::unique_ptr<ByteSink> zstd_sink(std::unique_ptr<ByteSink> out, int level = 3);

// Counts bytes and drops them.
class CountingSink final : public ByteSink {
 public:
  void write(std::string_view bytes) override { bytes_ += bytes.size(); }
  void finish() override {}
  std::uint64_t bytes() const { return bytes_; }

 private:
  std::uint64_t bytes_ = 0;
};

}  // namespace kvonce::bench

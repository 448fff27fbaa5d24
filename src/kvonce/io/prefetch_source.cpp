#include "kvonce/io/prefetch_source.hpp"

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <string>
#include <thread>

namespace kvonce::io {
namespace {

class PrefetchSource final : public ByteSource {
 public:
  PrefetchSource(std::unique_ptr<ByteSource> inner, std::size_t chunk_size, std::size_t chunks)
      : inner_(std::move(inner)),
        name_(inner_->name()),
        chunk_size_(chunk_size),
        max_chunks_(chunks),
        worker_([this] { produce(); }) {}

  ~PrefetchSource() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    space_.notify_all();
    worker_.join();
  }

  std::size_t read(char* buf, std::size_t size) override {
    if (current_pos_ == current_.size() && !next_chunk()) return 0;
    const std::size_t n = std::min(size, current_.size() - current_pos_);
    std::memcpy(buf, current_.data() + current_pos_, n);
    current_pos_ += n;
    return n;
  }

  const std::string& name() const override { return name_; }

 private:
  // Takes the next filled chunk; false at the end. Rethrows the producer's error in order.
  bool next_chunk() {
    std::unique_lock lock(mutex_);
    filled_.wait(lock, [&] { return !queue_.empty() || done_; });
    if (queue_.empty()) {
      if (error_) std::rethrow_exception(error_);
      return false;
    }
    current_ = std::move(queue_.front());
    queue_.pop_front();
    current_pos_ = 0;
    lock.unlock();
    space_.notify_one();
    return true;
  }

  void produce() {
    try {
      for (;;) {
        std::string chunk(chunk_size_, '\0');
        std::size_t have = 0;
        while (have < chunk.size()) {
          const std::size_t n = inner_->read(chunk.data() + have, chunk.size() - have);
          if (n == 0) break;
          have += n;
        }
        chunk.resize(have);
        std::unique_lock lock(mutex_);
        space_.wait(lock, [&] { return queue_.size() < max_chunks_ || stop_; });
        if (stop_ || have == 0) break;
        queue_.push_back(std::move(chunk));
        lock.unlock();
        filled_.notify_one();
      }
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
    }
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    filled_.notify_all();
  }

  std::unique_ptr<ByteSource> inner_;
  std::string name_;
  std::size_t chunk_size_, max_chunks_;
  std::mutex mutex_;
  std::condition_variable filled_, space_;
  std::deque<std::string> queue_;
  bool done_ = false, stop_ = false;
  std::exception_ptr error_;
  std::string current_;
  std::size_t current_pos_ = 0;
  std::thread worker_;  // last: starts after every other member is ready
};

}  // namespace

std::unique_ptr<ByteSource> make_prefetch_source(std::unique_ptr<ByteSource> inner,
                                                 std::size_t chunk_size, std::size_t chunks) {
  return std::make_unique<PrefetchSource>(std::move(inner), chunk_size, chunks);
}

}  // namespace kvonce::io

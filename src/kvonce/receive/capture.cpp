#include "kvonce/receive/capture.hpp"

#include <cerrno>
#include <cstring>
#include <limits>
#include <string>

#include <unistd.h>

#include "kvonce/output/written_files.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::receive {
namespace {

using State = Capture::Progress::State;

// Reads the capture's file through its own descriptor, waiting at its end for what the listeners
// append next, until the capture is complete.
class FollowSource final : public io::ByteSource {
 public:
  FollowSource(int fd, std::shared_ptr<Capture::Progress> progress, std::string name)
      : fd_(fd), progress_(std::move(progress)), name_(std::move(name)) {}
  ~FollowSource() override { ::close(fd_); }

  std::size_t read(char* buf, std::size_t size) override {
    for (;;) {
      std::uint64_t available = 0;
      {
        std::unique_lock lock(progress_->mutex);
        progress_->moved.wait(lock, [&] {
          return progress_->appended > offset_ || progress_->state != State::growing;
        });
        if (progress_->state == State::abandoned) {
          fail(ErrorKind::internal, name_ + ": the capture was abandoned while it was read");
        }
        available = progress_->appended - offset_;
      }
      if (available == 0) return 0;  // complete, and every byte read
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(size, available));
      const ssize_t n = ::pread(fd_, buf, want, static_cast<off_t>(offset_));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        fail(ErrorKind::input, name_ + ": cannot read the capture back: " +
                                   (n < 0 ? std::strerror(errno) : "it is shorter than written"));
      }
      offset_ += static_cast<std::uint64_t>(n);
      return static_cast<std::size_t>(n);
    }
  }
  const std::string& name() const override { return name_; }

 private:
  int fd_;
  std::shared_ptr<Capture::Progress> progress_;
  std::string name_;
  std::uint64_t offset_ = 0;
};

}  // namespace

Capture::Capture(const OutputPath& target)
    : file_(target), sha_(std::make_unique<crypto::Sha256>()) {}

Capture::Capture(const std::filesystem::path& target) : file_(target) {}

Capture::~Capture() {
  settle(State::abandoned);  // no effect once committed
}

void Capture::append(std::string_view message) {
  // The framing's length is 4 bytes: a longer message could not be read back. The listeners'
  // limits stay far below this; a caller that raises them past it is refused here.
  if (message.size() > std::numeric_limits<std::uint32_t>::max()) {
    fail(ErrorKind::limit, "a received message of " + std::to_string(message.size()) +
                               " bytes is longer than a record can hold (4 GiB)");
  }
  const auto n = static_cast<std::uint32_t>(message.size());
  const char prefix[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                          static_cast<char>(n >> 8), static_cast<char>(n)};
  file_.write(std::string_view(prefix, sizeof prefix));
  file_.write(message);
  if (sha_) {
    sha_->update(std::string_view(prefix, sizeof prefix));
    sha_->update(message);
  }
  ++records_;
  if (!followed_) return;
  file_.flush();  // whole records only: a follower never waits on half of one
  {
    const std::lock_guard lock(progress_->mutex);
    progress_->appended += sizeof prefix + message.size();
  }
  progress_->moved.notify_all();
}

std::unique_ptr<io::ByteSource> Capture::follow(std::string name) {
  if (records_ != 0) fail(ErrorKind::internal, name + ": a capture is followed from its start");
  const int fd = file_.open_reader();
  if (fd < 0) return nullptr;
  followed_ = true;
  return std::make_unique<FollowSource>(fd, progress_, std::move(name));
}

void Capture::commit() {
  if (sha_) {
    output::commit_remembered(file_, sha_->finish_hex());
    sha_.reset();
  } else {
    file_.commit();
  }
  settle(State::complete);
}

void Capture::abandon() {
  settle(State::abandoned);
}

void Capture::settle(State state) {
  {
    const std::lock_guard lock(progress_->mutex);
    // Complete only while growing; abandoned from either (a follower still reading then stops).
    if (progress_->state == State::abandoned) return;
    if (state == State::complete && progress_->state != State::growing) return;
    progress_->state = state;
  }
  progress_->moved.notify_all();
}

}  // namespace kvonce::receive

#include "kvonce/receive/capture.hpp"

#include <limits>
#include <string>

#include "kvonce/util/error.hpp"

namespace kvonce::receive {

Capture::Capture(const OutputPath& target) : file_(target) {}

Capture::Capture(const std::filesystem::path& target) : file_(target) {}

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
  ++records_;
}

void Capture::commit() {
  file_.commit();
}

}  // namespace kvonce::receive

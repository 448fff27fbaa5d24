// The values `receive` takes on its command line that no other command takes: listener
// addresses and durations.
#pragma once

#include <chrono>
#include <string>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/receive/server.hpp"

namespace kvonce::cli {

// --listen / --grpc-listen: HOST:PORT ([v6]:PORT), PORT (on 127.0.0.1), 0 (a free port on
// 127.0.0.1) or none (the listener off). Error(usage) naming `option` otherwise.
receive::Listen parse_listen(const std::string& text, const std::string& option);

// --drain, --idle, --connection-timeout: a number of ms, s or m ("2s", "500ms", "1.5s", "1m"; 0
// alone needs no unit), at most 24 hours. Error(usage) naming `option` otherwise.
std::chrono::milliseconds parse_duration(const std::string& text, const std::string& option);

}  // namespace kvonce::cli

// Reads a payload through io::open_payload as the readers would see it: the decompression tests
// of every format share it.
#pragma once

#include <string>

#include <catch2/catch.hpp>

#include "kvonce/io/byte_source.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::test {

inline std::string read_decoded(const std::string& bytes, const std::string& name,
                                io::InputInfo& info, io::ReadLimits limits = {},
                                std::size_t chunk = 4096) {
  auto src = io::open_payload(io::from_memory(bytes, name), limits, info);
  std::string out, buf(chunk, '\0');
  for (std::size_t n; (n = src->read(buf.data(), buf.size())) > 0;) out.append(buf.data(), n);
  return out;
}

// The error reading `bytes` raises; fails the test when it reads cleanly.
inline Error decode_error(const std::string& bytes, const std::string& name,
                          io::ReadLimits limits = {}) {
  io::InputInfo info;
  try {
    read_decoded(bytes, name, info, limits);
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error");
  return Error(ErrorKind::internal, "");
}

}  // namespace kvonce::test

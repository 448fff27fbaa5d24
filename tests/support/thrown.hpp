// What a call throws, for tests that check errors by kind and by message.
#pragma once

#include <functional>
#include <string>

#include "kvonce/util/error.hpp"

namespace kvonce::test {

// The kind of the kvonce::Error `f` throws; ErrorKind::internal when it throws none.
inline ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::internal;
}

// The message of the kvonce::Error `f` throws; "no error" when it throws none.
inline std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace kvonce::test

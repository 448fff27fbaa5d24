#include "kvonce/util/error.hpp"

namespace kvonce {

ExitCode exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return ExitCode::usage;
    case ErrorKind::input: return ExitCode::input;
    case ErrorKind::no_events: return ExitCode::no_events;
    case ErrorKind::limit: return ExitCode::limit;
    case ErrorKind::output: return ExitCode::output;
    case ErrorKind::fetch: return ExitCode::fetch;
    case ErrorKind::auth: return ExitCode::auth;
    case ErrorKind::integrity: return ExitCode::integrity;
    case ErrorKind::internal: return ExitCode::internal;
  }
  return ExitCode::internal;
}

const char* to_string(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage: return "usage error";
    case ErrorKind::input: return "input error";
    case ErrorKind::no_events: return "no events";
    case ErrorKind::limit: return "limit exceeded";
    case ErrorKind::output: return "output error";
    case ErrorKind::fetch: return "fetch error";
    case ErrorKind::auth: return "authentication error";
    case ErrorKind::integrity: return "integrity error";
    case ErrorKind::internal: return "internal error";
  }
  return "error";
}

}  // namespace kvonce

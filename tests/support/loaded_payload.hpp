// A payload's bytes loaded as verify loads them (detection, decompression, readers), for tests of
// the payload forms: the events as NDJSON lines, and what was read.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "kvonce/event/event_store.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::test {

struct Loaded {
  std::vector<std::string> lines;  // each event as append_event_line writes it
  payload::LoadResult result;
};

// `bytes` as one input named "in".
inline Loaded load_bytes(const std::string& bytes,
                         payload::Format format = payload::Format::autodetect,
                         bool accept_partial = false) {
  Loaded l;
  EventStore store;
  std::vector<std::unique_ptr<io::ByteSource>> in;
  in.push_back(io::from_memory(bytes, "in"));
  l.result = payload::load_events(std::move(in), format, {}, store, accept_partial);
  for (std::size_t i = 0; i < store.size(); ++i) {
    std::string s;
    append_event_line(s, store[i]);
    l.lines.push_back(s);
  }
  return l;
}

// The error loading `bytes` throws; a failed check when it throws none.
inline Error load_error(const std::string& bytes,
                        payload::Format format = payload::Format::autodetect) {
  try {
    load_bytes(bytes, format);
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error");
  return Error(ErrorKind::internal, "");
}

}  // namespace kvonce::test

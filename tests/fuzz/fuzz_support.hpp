// Shared pieces of the libFuzzer targets: small read limits, a sink that exercises the event
// store and the NDJSON writer, and a check that stops the fuzzer on a broken property.
//
// Every target accepts kvonce::Error (a clean, documented rejection of bad input) and nothing
// else: any other exception, a sanitizer report, a hang or a failed FUZZ_CHECK is a finding.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/event/event.hpp"
#include "kvonce/event/event_store.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/ndjson/reader.hpp"
#include "kvonce/payload/load.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::fuzz {

// Limits small enough that a fuzzer never spends its memory on a legitimate large input, so an
// out-of-memory report means the limits failed, not that the input was big.
inline io::ReadLimits small_limits() {
  io::ReadLimits limits;
  limits.max_decompressed_bytes = 8u << 20;
  limits.max_string_bytes = 1u << 20;
  limits.max_depth = 64;
  return limits;
}

#define FUZZ_CHECK(cond)                                                               \
  do {                                                                                 \
    if (!(cond)) {                                                                     \
      std::fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                    \
    }                                                                                  \
  } while (0)

// Stores every event and renders it as an NDJSON line, as prepare and verify do.
class RecordingSink final : public EventSink {
 public:
  void on_event(const EventView& e) override {
    store.add(e);
    append_event_line(ndjson, e);
  }
  EventStore store;
  std::string ndjson;
};

// Serves bytes in small pieces so the JSON reader's buffer refills land everywhere.
class TrickleSource final : public io::ByteSource {
 public:
  TrickleSource(std::string_view bytes, std::size_t step) : bytes_(bytes), step_(step) {}
  std::size_t read(char* buf, std::size_t size) override {
    std::size_t n = bytes_.size() - pos_;
    if (n > size) n = size;
    if (n > step_) n = step_;
    bytes_.copy(buf, n, pos_);
    pos_ += n;
    return n;
  }
  const std::string& name() const override { return name_; }

 private:
  std::string_view bytes_;
  std::size_t step_, pos_ = 0;
  std::string name_ = "fuzz";
};

// The property `run` relies on: events written as NDJSON and read back are the same events
// (timed events keep their exact start time through timeUnixNano). A difference would be a
// mode-mismatch on a real payload.
inline void check_ndjson_round_trip(const RecordingSink& first) {
  RecordingSink again;
  ReadStats stats;
  TrickleSource text(first.ndjson, first.ndjson.size() + 1);
  try {
    ndjson::read_events(text, io::ReadLimits{}, again, stats);
  } catch (const Error& e) {
    std::fprintf(stderr, "written NDJSON does not read back: %s\n", e.what());
    std::abort();
  }
  FUZZ_CHECK(again.store.size() == first.store.size());
  for (std::size_t i = 0; i < first.store.size(); ++i) {
    const EventView a = first.store[i], b = again.store[i];
    FUZZ_CHECK(!a.timed || b.time_ns == a.time_ns);
    FUZZ_CHECK(a.trace_id == b.trace_id && a.actor == b.actor);
    FUZZ_CHECK(a.type == b.type && a.key == b.key);
    FUZZ_CHECK(a.timed == b.timed && a.type_form == b.type_form && a.key_form == b.key_form);
    FUZZ_CHECK(a.value == b.value && a.reason == b.reason && a.context == b.context);
  }
}

// Reads `bytes` as an OTLP payload served `step` bytes at a time; whatever they hold, the reader
// either rejects them with kvonce::Error or yields events whose NDJSON lines read back the same.
inline void check_otlp_payload(std::string_view bytes, std::size_t step) {
  RecordingSink sink;
  std::vector<std::unique_ptr<io::ByteSource>> inputs;
  inputs.push_back(std::make_unique<TrickleSource>(bytes, step));
  try {
    payload::load_events(std::move(inputs), payload::Format::otlp, small_limits(), sink);
  } catch (const Error&) {
    return;
  }
  check_ndjson_round_trip(sink);
}

}  // namespace kvonce::fuzz

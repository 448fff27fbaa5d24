// Writes events as NDJSON (one compact object per line) into an atomic output file.
#pragma once

#include <string>

#include "kvonce/event/event.hpp"
#include "kvonce/util/atomic_file.hpp"

namespace kvonce::ndjson {

class Writer final : public EventSink {
 public:
  explicit Writer(AtomicFile& file) : file_(file) {}
  ~Writer() override = default;
  void on_event(const EventView& event) override;
  void finish();  // writes what is buffered; the caller commits the file

 private:
  AtomicFile& file_;
  std::string buffer_;
};

}  // namespace kvonce::ndjson

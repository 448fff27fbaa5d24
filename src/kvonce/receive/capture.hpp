// The received payload: each accepted request body, decompressed, as one record of the
// Collector file exporter's length-prefixed framing (payload/framing), written as it arrives to
// a temporary file and renamed into place by commit(). Read later by verify, explain and report
// as any Collector file.
#pragma once

#include <atomic>
#include <cstdint>
#include <string_view>

#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/output_dir.hpp"

namespace kvonce::receive {

class Capture {
 public:
  explicit Capture(const OutputPath& target);
  explicit Capture(const std::filesystem::path& target);  // a path the user named (--output)
  // Appends one record (an ExportTraceServiceRequest, protobuf or OTLP/JSON, as received). One
  // caller at a time: the listeners append under their lock.
  void append(std::string_view message);
  std::uint64_t records() const { return records_; }
  void commit();  // renames the file into place; without it nothing appears

 private:
  AtomicFile file_;
  std::atomic<std::uint64_t> records_{0};  // appended by the listeners' workers, read anywhere
};

}  // namespace kvonce::receive

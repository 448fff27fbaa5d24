// The received payload: each accepted request body, decompressed, as one record of the
// Collector file exporter's length-prefixed framing (payload/framing), written as it arrives to
// a temporary file and renamed into place by commit(). Read later by verify, explain and report
// as any Collector file, and, while it grows, by follow(): `receive -- COMMAND` reads the spans
// as they arrive instead of after the command, so its verdict does not wait for a second read.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string_view>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/io/byte_source.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/output_dir.hpp"

namespace kvonce::receive {

class Capture {
 public:
  // A capture kept in the trace directory is hashed as it is written, and commit() remembers the
  // file with its digest (output/written_files): run's metadata of it then needs no second pass
  // over it (375 MB at 1,000,000 spans).
  explicit Capture(const OutputPath& target);
  explicit Capture(const std::filesystem::path& target);  // a path the user named (--output)
  ~Capture();
  // Appends one record (an ExportTraceServiceRequest, protobuf or OTLP/JSON, as received). One
  // caller at a time: the listeners append under their lock.
  void append(std::string_view message);
  std::uint64_t records() const { return records_; }
  void commit();  // renames the file into place; without it nothing appears

  // A source that reads the records from the first as they are appended: a read waits for the
  // next one, and the end comes after commit(). `name` is what its messages call it (the file's
  // final path). Once the capture is abandoned (abandon(), or destroyed uncommitted), a waiting
  // read throws Error(internal) instead. Null when the file cannot be read back as it is written
  // (a capture written through, to standard output or a FIFO); called before the first append.
  std::unique_ptr<io::ByteSource> follow(std::string name);
  void abandon();

  // What follow()'s sources wait on (private to capture.cpp).
  struct Progress {
    std::mutex mutex;
    std::condition_variable moved;
    enum class State { growing, complete, abandoned } state = State::growing;
    std::uint64_t appended = 0;  // bytes flushed to the file
  };

 private:
  void settle(Progress::State state);

  AtomicFile file_;
  std::unique_ptr<crypto::Sha256> sha_;    // the kept capture's digest, as it is written
  std::atomic<std::uint64_t> records_{0};  // appended by the listeners' workers, read anywhere
  std::shared_ptr<Progress> progress_ = std::make_shared<Progress>();
  bool followed_ = false;  // only then is every record flushed as it is appended
};

}  // namespace kvonce::receive

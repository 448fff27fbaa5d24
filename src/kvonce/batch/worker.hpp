// One worker thread's part of a batch: take a payload, download it when it is remote, skip it
// when --resume recorded it with the same sha256, else verify it (verify_payload.hpp).
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "kvonce/batch/payload_ref.hpp"
#include "kvonce/batch/remote.hpp"
#include "kvonce/batch/result.hpp"
#include "kvonce/batch/verify_payload.hpp"
#include "kvonce/util/interrupt_cleanup.hpp"

namespace kvonce::batch {

// The --resume file's lines that reached a verdict (no error, or no_events) under this run's
// options (`judged_under`), by (source, sha256); later lines win. Other errors are left out, so
// those payloads run again; so are verdicts recorded under other options or without any.
struct ResumeIndex {
  using Key = std::pair<std::string, std::string>;  // source, sha256
  std::map<Key, PayloadResult> reusable;
  std::set<Key> judged_otherwise;  // a verdict, but under other (or unrecorded) options only
};
ResumeIndex index_resume(const std::vector<PayloadResult>& recorded,
                         const JudgedUnder& judged_under);

// Where a payload's result came from.
enum class Reuse { none, resumed, judged_again };  // judged_again: its record was judged otherwise

// A private temporary directory (in $TMPDIR) for downloaded objects, removed with its content.
class ScratchDir {
 public:
  ScratchDir();  // Error(output) when it cannot be created
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  std::optional<RemoveOnInterrupt> cleanup_;  // an interrupted batch leaves no directory behind
};

class Worker {
 public:
  // `download` is this worker's file for remote payloads (removed after each one).
  Worker(const PayloadOptions& options, const TransportFactory& make_transport, RemoteStore& remote,
         const ResumeIndex& resume, std::filesystem::path download);

  // The payload's result; `reuse` says whether it was taken from the resume index, or judged
  // again because its record was judged under other options. A download that fails is the
  // payload's error. Throws only when no transport can be made.
  PayloadResult process(const PayloadRef& ref, Reuse& reuse);

 private:
  // The reusable record, or nullptr; `reuse` says what became of the record.
  const PayloadResult* recorded(const std::string& source, const std::string& sha256,
                                Reuse& reuse) const;
  bool has_record(const std::string& source) const;
  PayloadResult process_remote(const PayloadRef& ref, Reuse& reuse);

  const PayloadOptions& options_;
  const TransportFactory& make_transport_;
  RemoteStore& remote_;
  const ResumeIndex& resume_;
  std::filesystem::path download_;
  std::optional<RemoveOnInterrupt> download_cleanup_;  // the downloaded object, if interrupted
  std::unique_ptr<net::HttpTransport> transport_;      // made on the first remote payload
};

}  // namespace kvonce::batch

// The files of one verify run form one set, defined by content: kvonce-validation.json and
// kvonce-projection.json record the payload's SHA-256 and the SHA-256 of the files written with
// them, so `report` (which may run later, in another process) can tell a consistent set from a
// mix of two runs. Every file of the set is written to a temporary file first, each byte charged
// to the run's OutputBudget and hashed on the way; nothing replaces the previous set until every
// file is complete. Then the previous run's files that this run does not write are removed, and
// the new files are renamed into place in the order they were opened, the validation last. The
// files are names the tool chose in an OutputDir: none is written or removed through a link.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/output/source_record.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/output_budget.hpp"
#include "kvonce/util/output_dir.hpp"

namespace kvonce::output {

// What a set records besides its files' digests.
struct SetOrigin {
  std::string payload_sha256;              // "" when the payload was several files
  std::vector<std::string> input_sha256s;  // one per input file, in reading order
  std::optional<std::string> github_run_id, github_run_attempt;
  // The payload the input was prepared from, when the input is one NDJSON file that `prepare`
  // recorded (source_record.hpp): written as "derivedFrom".
  std::optional<SourceRecord> derived_from = {};
};

class SetFile {
 public:
  SetFile(const OutputPath& path, std::string name, OutputBudget& budget);
  void write(std::string_view bytes);  // charged, hashed, written
  // The whole of `source`, a file that this process wrote and remembered (written_files.hpp)
  // and that is still as it was, copied with the digest remembered for it instead of hashed
  // again (charged as written); then finished. False, with nothing written, when `source` is
  // no such file. Only on a file nothing was written to yet.
  bool copy_written(const OutputPath& source);
  void finish();  // no more bytes: the digest is known
  const std::string& name() const { return name_; }
  const std::string& sha256() const { return sha256_; }  // after finish()
  AtomicFile& file() { return file_; }
  void commit();  // finished and renamed into place, once
  bool committed() const { return committed_; }

 private:
  AtomicFile file_;
  bool committed_ = false;
  std::string name_;
  OutputBudget& budget_;
  crypto::Sha256 sha_;
  std::string sha256_;
};

class OutputSet {
 public:
  // `members` names every file a set of this kind may hold (relative to `dir`, '/'-separated).
  OutputSet(OutputDir dir, std::vector<std::string> members, SetOrigin origin,
            OutputBudget& budget);

  // A new file of the set (its directory created); written until finish().
  SetFile& open(const std::string& name);

  // ,"outputSet":{"payloadSha256":..,"inputSha256":[..],"files":{name: sha256, ...}[,
  // "githubRunId":..,"githubRunAttempt":..][,"derivedFrom":{..}]} for the files finished so far.
  void append_record(std::string& out) const;

  // Removes the members this run did not write, then renames the new files into place (those
  // not already committed on their own).
  void commit();

  // Renames one finished file of the set into place now, ahead of the others: for a reader that
  // needs that file alone (run's ndjson mode reads the events file). The previous set must be
  // gone already: this file then stands alone until the others follow, and a failed run removes
  // it with the set (remove_set).
  void commit_file(SetFile& file);

 private:
  OutputDir dir_;
  std::vector<std::string> members_;
  SetOrigin origin_;
  OutputBudget& budget_;
  std::vector<std::unique_ptr<SetFile>> files_;
};

// Removes the files named by `members` from `dir`, last first (the validation, which records the
// others, goes before them): what a failed run leaves of the previous set, so that no later
// reader takes that set's verdict for this run's. Error(output) naming a file that exists and
// cannot be removed. Names are removed within the directory's descriptor: a link is removed,
// never what it names, and no directory is entered through one.
void remove_set(const OutputDir& dir, const std::vector<std::string>& members);

}  // namespace kvonce::output

#include "kvonce/output/output_set.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kvonce/output/written_files.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/strings.hpp"

namespace kvonce::output {

SetFile::SetFile(const OutputPath& path, std::string name, OutputBudget& budget)
    : file_(path), name_(std::move(name)), budget_(budget) {}

void SetFile::write(std::string_view bytes) {
  budget_.charge(bytes.size());
  sha_.update(bytes);
  file_.write(bytes);
}

bool SetFile::copy_written(const OutputPath& source) {
  if (!source.dir()) return false;  // only a name the tool chose: opened without any link
  const std::filesystem::path& rel = source.rel();
  const std::optional<OutputDir> in = rel.has_parent_path()
                                          ? source.dir()->existing_sub(rel.parent_path())
                                          : std::optional<OutputDir>(*source.dir());
  if (!in) return false;
  const int fd =
      ::openat(in->fd(), rel.filename().c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return false;
  const auto close_fd = [fd] { ::close(fd); };
  try {
    struct stat before = {};
    const std::optional<std::string> digest = written_digest(fd);
    if (!digest || ::fstat(fd, &before) != 0) {
      close_fd();
      return false;
    }
    const auto size = static_cast<std::uint64_t>(before.st_size);
    budget_.charge(size);
    // A file changed while it was copied (a writer of the directory while the command runs) is
    // an error, not a copy under the old digest.
    struct stat after = {};
    if (!file_.copy_from(fd, size) || ::fstat(fd, &after) != 0 || after.st_size != before.st_size ||
        after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
        after.st_mtim.tv_nsec != before.st_mtim.tv_nsec) {
      fail(ErrorKind::output, source.path().string() + " changed while it was copied");
    }
    sha256_ = *digest;
  } catch (...) {
    close_fd();
    throw;
  }
  close_fd();
  return true;
}

void SetFile::finish() {
  if (sha256_.empty()) sha256_ = sha_.finish_hex();
}

void SetFile::commit() {
  if (committed_) return;
  finish();
  committed_ = true;  // a failed commit removes the temporary file: nothing to do again
  commit_remembered(file_, sha256_);
}

OutputSet::OutputSet(OutputDir dir, std::vector<std::string> members, SetOrigin origin,
                     OutputBudget& budget)
    : dir_(std::move(dir)),
      members_(std::move(members)),
      origin_(std::move(origin)),
      budget_(budget) {}

SetFile& OutputSet::open(const std::string& name) {
  files_.push_back(std::make_unique<SetFile>(OutputPath(dir_, name), name, budget_));
  return *files_.back();
}

void OutputSet::append_record(std::string& out) const {
  out += ",\"outputSet\":{\"payloadSha256\":" + json_quote(origin_.payload_sha256);
  out += ",\"inputSha256\":[";
  for (std::size_t i = 0; i < origin_.input_sha256s.size(); ++i)
    out += (i ? "," : "") + json_quote(origin_.input_sha256s[i]);
  out += "],\"files\":{";
  bool first = true;
  for (const auto& f : files_) {
    if (f->sha256().empty()) continue;  // still being written: the record is part of it
    out += first ? "" : ",";
    first = false;
    out += json_quote(f->name()) + ":" + json_quote(f->sha256());
  }
  out += '}';
  if (origin_.github_run_id) out += ",\"githubRunId\":" + json_quote(*origin_.github_run_id);
  if (origin_.github_run_attempt)
    out += ",\"githubRunAttempt\":" + json_quote(*origin_.github_run_attempt);
  if (origin_.derived_from) {
    out += ",\"derivedFrom\":";
    append_source_record(out, *origin_.derived_from);
  }
  out += '}';
}

namespace {

// Within the directory's descriptor: a link planted at a member (or at its directory) is
// refused, never followed nor quietly removed, as a write to it would be (exit 6, naming it).
void remove_member(const OutputDir& dir, const std::string& member) {
  const std::filesystem::path rel(member);
  const std::optional<OutputDir> in =
      rel.has_parent_path() ? dir.existing_sub(rel.parent_path()) : std::optional<OutputDir>(dir);
  if (!in) return;
  const std::filesystem::path shown = dir.path() / member;
  struct stat st {};
  if (::fstatat(in->fd(), rel.filename().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
  if (S_ISLNK(st.st_mode)) fail_planted_link(shown);
  if (!S_ISREG(st.st_mode)) {
    fail(ErrorKind::output, shown.string() +
                                ": is not a regular file; kvonce-trace replaces only "
                                "regular files in its output directories");
  }
  if (::unlinkat(in->fd(), rel.filename().c_str(), 0) != 0 && errno != ENOENT) {
    fail(ErrorKind::output,
         shown.string() + ": cannot remove the previous run's file: " + std::strerror(errno));
  }
}

}  // namespace

void remove_set(const OutputDir& dir, const std::vector<std::string>& members) {
  for (auto it = members.rbegin(); it != members.rend(); ++it) remove_member(dir, *it);
}

void OutputSet::commit() {
  for (const auto& f : files_) f->finish();
  // The previous run's members that this run does not replace go first: a set interrupted
  // between here and the last rename is caught by report (its record names what is missing).
  for (const std::string& member : members_) {
    const bool written = std::any_of(files_.begin(), files_.end(),
                                     [&](const auto& f) { return f->name() == member; });
    if (written) continue;
    remove_member(dir_, member);
  }
  for (const auto& f : files_) f->commit();
}

void OutputSet::commit_file(SetFile& file) {
  file.commit();
}

}  // namespace kvonce::output

// The files of output sets this process wrote, and their digests. `run` and `receive` report on
// outputs they wrote moments before: hashing them again (2 GB at 1,000,000 events) would only
// tell that they are still what this process wrote, which their identity tells as well. A
// separate `report` process knows of no file here and hashes every one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "kvonce/util/atomic_file.hpp"

namespace kvonce::output {

// Renames `file` into place (AtomicFile::commit) and remembers the file it renamed as having the
// digest `sha256`, as it stands then: device, inode, size and modification time. A file written
// through (standard output, a FIFO) is not remembered.
void commit_remembered(AtomicFile& file, const std::string& sha256);

// The digest of the file at `path` when it is, not through a link, a file this process
// remembered and still as it was then; nullopt otherwise. A file changed in place to the same
// size, with its time set back or within the clock tick of its writing, is not told apart: only
// a writer of the directory can do that, while the command runs, and it could as well change
// the files after the report.
std::optional<std::string> written_digest(const std::filesystem::path& path);

// The same for an open file: its digest when it is a file this process remembered, still as it
// was then.
std::optional<std::string> written_digest(int fd);

}  // namespace kvonce::output

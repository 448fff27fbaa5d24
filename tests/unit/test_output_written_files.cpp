// What a process remembers of the output files it wrote, so that it need not hash them again.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/output/written_files.hpp"
#include "kvonce/util/atomic_file.hpp"

#include "support/test_support.hpp"

using kvonce::AtomicFile;
using kvonce::output::commit_remembered;
using kvonce::output::written_digest;
using kvonce::test::TempDir;
using kvonce::test::write_file;
namespace fs = std::filesystem;

namespace {

// Writes `bytes` to `path` as the output sets do, remembered under `digest`.
void write_remembered(const fs::path& path, const std::string& bytes, const std::string& digest) {
  AtomicFile file(path);
  file.write(bytes);
  commit_remembered(file, digest);
}

}  // namespace

TEST_CASE("written_digest: a file this process remembered, while it is still that file") {
  TempDir dir;
  const fs::path file = dir / "events.ndjson";
  write_remembered(file, "one line\n", "digest-1");
  CHECK(written_digest(file) == "digest-1");

  SECTION("changed in place: its size or time differs") {
    std::ofstream(file, std::ios::app) << "more\n";
    CHECK_FALSE(written_digest(file));
  }
  SECTION("replaced by another file of the same bytes") {
    const fs::path other = dir / "other";
    write_file(other, "one line\n");
    fs::rename(other, file);
    CHECK_FALSE(written_digest(file));
  }
  SECTION("reached through a link") {
    const fs::path link = dir / "link";
    fs::create_symlink(file, link);
    CHECK_FALSE(written_digest(link));
    CHECK(written_digest(file) == "digest-1");
  }
  SECTION("a file never remembered, or missing") {
    const fs::path other = dir / "never";
    write_file(other, "x");
    CHECK_FALSE(written_digest(other));
    CHECK_FALSE(written_digest(dir / "missing"));
  }
}

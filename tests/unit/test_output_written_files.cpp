// What a process remembers of the output files it wrote, so that it need not hash them again.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/output/output_set.hpp"
#include "kvonce/output/written_files.hpp"
#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/output_dir.hpp"

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

TEST_CASE("copy_written: a remembered file is copied under its digest, any other not at all") {
  TempDir dir;
  const kvonce::OutputDir out = kvonce::OutputDir::tree(dir / "out");
  const kvonce::OutputDir from = kvonce::OutputDir::tree(dir / "from");
  const std::string bytes(200'000, 'x');
  write_remembered(dir / "from" / "events.ndjson", bytes, "digest-1");
  kvonce::OutputBudget budget(1'000'000);
  kvonce::output::OutputSet set(out, {"copy"}, {}, budget);

  SECTION("remembered and unchanged: the same bytes, the remembered digest, charged") {
    kvonce::output::SetFile& file = set.open("copy");
    REQUIRE(file.copy_written(kvonce::OutputPath(from, "events.ndjson")));
    CHECK(file.sha256() == "digest-1");
    CHECK(budget.used() == bytes.size());
    set.commit();
    CHECK(kvonce::test::read_file(dir / "out" / "copy") == bytes);
    CHECK(written_digest(dir / "out" / "copy") == "digest-1");  // remembered in turn
  }
  SECTION("changed since, never remembered, missing, or a link: false, nothing written") {
    write_file(dir / "from" / "never", "x");
    fs::create_symlink(dir / "from" / "events.ndjson", dir / "from" / "link");
    kvonce::output::SetFile& file = set.open("copy");
    CHECK_FALSE(file.copy_written(kvonce::OutputPath(from, "never")));
    CHECK_FALSE(file.copy_written(kvonce::OutputPath(from, "missing")));
    CHECK_FALSE(file.copy_written(kvonce::OutputPath(from, "link")));
    std::ofstream(dir / "from" / "events.ndjson", std::ios::app) << "more\n";
    CHECK_FALSE(file.copy_written(kvonce::OutputPath(from, "events.ndjson")));
    CHECK_FALSE(file.copy_written(kvonce::OutputPath(dir / "from" / "never")));  // a user's path
    CHECK(budget.used() == 0);
    file.write("own");
    set.commit();
    CHECK(kvonce::test::read_file(dir / "out" / "copy") == "own");
  }
}

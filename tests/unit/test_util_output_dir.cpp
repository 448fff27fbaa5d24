// Output directories entered without links (openat2, and the per-component fallback that a kernel
// without openat2 or a seccomp filter leads to), and the files the tool names in them.
#include <cerrno>

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/error.hpp"
#include "kvonce/util/output_dir.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// Selects how directories are opened for one test, and puts the default back after it.
struct Opening {
  explicit Opening(DirOpening how) { set_dir_opening(how); }
  ~Opening() { set_dir_opening(DirOpening::openat2); }
};

// Runs a test from inside `dir` (the working directory decides what OutputDir::tree guards).
struct InDirectory {
  fs::path previous = fs::current_path();
  explicit InDirectory(const fs::path& dir) { fs::current_path(dir); }
  ~InDirectory() { fs::current_path(previous); }
};

// Whether this kernel lets this process call openat2 (5.6 and later, no seccomp filter).
bool kernel_has_openat2() {
  open_how how{};
  how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
  const long fd = ::syscall(SYS_openat2, AT_FDCWD, ".", &how, sizeof how);
  if (fd >= 0) ::close(static_cast<int>(fd));
  return fd >= 0;
}

ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.kind();
  }
  return ErrorKind::internal;
}

}  // namespace

TEST_CASE("OutputDir enters no directory through a link, by openat2 and by the fallback") {
  const DirOpening how = GENERATE(DirOpening::openat2, DirOpening::per_component);
  const Opening opening(how);
  TempDir dir;
  fs::create_directories(dir / "tree/a");
  fs::create_directories(dir / "outside");
  const OutputDir root = OutputDir::as_named(dir / "tree");

  SECTION("missing directories are created, and the opening is the one selected") {
    const OutputDir sub = root.sub("a/b/c");
    CHECK(fs::is_directory(dir / "tree/a/b/c"));
    CHECK(sub.path() == dir / "tree/a/b/c");
    const DirOpening expected = how == DirOpening::openat2 && kernel_has_openat2()
                                    ? DirOpening::openat2
                                    : DirOpening::per_component;
    CHECK(last_dir_opening() == expected);
    CHECK(root.existing_sub("a/b").has_value());
    CHECK_FALSE(root.existing_sub("a/none").has_value());
  }
  SECTION(
      "a link at any component is refused with exit 6, naming it; nothing lands at its target") {
    fs::create_directory_symlink(dir / "outside", dir / "tree/a/b");
    CHECK_THROWS_WITH(root.sub("a/b/c"), Contains("tree/a/b: is a symbolic link"));
    CHECK(kind_of([&] { root.sub("a/b"); }) == ErrorKind::output);
    CHECK_THROWS_WITH(root.existing_sub("a/b/c"), Contains("tree/a/b: is a symbolic link"));
    CHECK(fs::is_empty(dir / "outside"));
  }
  SECTION("a dangling link is refused, and its target is not created") {
    fs::create_directory_symlink(dir / "outside/new", dir / "tree/a/b");
    CHECK_THROWS_WITH(root.sub("a/b"), Contains("tree/a/b: is a symbolic link"));
    CHECK_FALSE(fs::exists(dir / "outside/new"));
  }
  SECTION("a file where a directory belongs, and '..', are refused") {
    write_file(dir / "tree/a/file", "x");
    CHECK_THROWS_WITH(root.sub("a/file/x"), Contains("tree/a/file: cannot create directory"));
    CHECK_THROWS_WITH(root.sub("a/../../outside"), Contains("'..' leaves the output directory"));
  }
}

TEST_CASE("OutputDir::tree refuses links inside the working directory, not outside it") {
  const DirOpening how = GENERATE(DirOpening::openat2, DirOpening::per_component);
  const Opening opening(how);
  TempDir dir;
  const fs::path base = fs::canonical(dir.path());
  fs::create_directories(base / "work");
  fs::create_directories(base / "elsewhere");
  fs::create_directory_symlink(base / "elsewhere", base / "work/artifacts");
  const InDirectory in(base / "work");

  // A committed link `artifacts -> /x` does not win, named relative or absolute.
  CHECK_THROWS_WITH(OutputDir::tree("artifacts/hermetic-reports/trace"),
                    Contains("artifacts: is a symbolic link"));
  CHECK_THROWS_WITH(OutputDir::tree(base / "work/artifacts/trace"),
                    Contains("artifacts: is a symbolic link"));
  CHECK(fs::is_empty(base / "elsewhere"));

  // Within the working directory, a real directory is created and entered.
  CHECK(OutputDir::tree("out/trace").path() == "out/trace");
  CHECK(fs::is_directory(base / "work/out/trace"));

  // Outside it, the path is the user's: its links are followed.
  fs::create_directory_symlink(base / "elsewhere", base / "link");
  OutputDir::tree(base / "link/t");
  OutputDir::tree("../link/u");
  CHECK(fs::is_directory(base / "elsewhere/t"));
  CHECK(fs::is_directory(base / "elsewhere/u"));
}

TEST_CASE("AtomicFile in an OutputDir writes no file through a link") {
  const DirOpening how = GENERATE(DirOpening::openat2, DirOpening::per_component);
  const Opening opening(how);
  TempDir dir;
  fs::create_directories(dir / "tree/sub");
  fs::create_directories(dir / "outside");
  const OutputDir root = OutputDir::as_named(dir / "tree");

  SECTION("a regular file is replaced, in a directory created for it, and no temporary is left") {
    write_file(dir / "tree/sub/out.json", "old");
    write_file_atomically(OutputPath(root, "sub/out.json"), "new");
    write_file_atomically(OutputPath(root, "made/here.json"), "made");
    CHECK(read_file(dir / "tree/sub/out.json") == "new");
    CHECK(read_file(dir / "tree/made/here.json") == "made");
    CHECK(dir.files() == std::vector<std::string>{"tree/made/here.json", "tree/sub/out.json"});
  }
  SECTION("a link at the name is refused with exit 6, naming it; its target is not touched") {
    write_file(dir / "outside/victim", "keep");
    fs::create_symlink(dir / "outside/victim", dir / "tree/sub/out.json");
    fs::create_symlink(dir / "outside/created", dir / "tree/dangling.json");
    CHECK_THROWS_WITH(write_file_atomically(OutputPath(root, "sub/out.json"), "evil"),
                      Contains("sub/out.json: is a symbolic link"));
    CHECK(kind_of([&] { AtomicFile f(OutputPath(root, "dangling.json")); }) == ErrorKind::output);
    CHECK(read_file(dir / "outside/victim") == "keep");
    CHECK_FALSE(fs::exists(dir / "outside/created"));
    CHECK(fs::is_symlink(dir / "tree/sub/out.json"));
  }
  SECTION("a link at a directory of the name is refused too") {
    fs::create_directory_symlink(dir / "outside", dir / "tree/linked");
    CHECK_THROWS_WITH(write_file_atomically(OutputPath(root, "linked/out.json"), "evil"),
                      Contains("tree/linked: is a symbolic link"));
    CHECK(fs::is_empty(dir / "outside"));
  }
  SECTION("a FIFO at the name is refused rather than written through") {
    REQUIRE(::mkfifo((dir / "tree/pipe").c_str(), 0600) == 0);
    CHECK_THROWS_WITH(write_file_atomically(OutputPath(root, "pipe"), "x"),
                      Contains("pipe: is not a regular file"));
  }
  SECTION("a stale temporary is removed in the directory; a link named like one is left alone") {
    write_file(dir / "tree/.out.json.tmp-1-2", "stale");
    write_file(dir / "outside/victim", "keep");
    fs::create_symlink(dir / "outside/victim", dir / "tree/.out.json.tmp-3-4");
    write_file_atomically(OutputPath(root, "out.json"), "new");
    CHECK_FALSE(fs::exists(dir / "tree/.out.json.tmp-1-2"));
    CHECK(fs::is_symlink(dir / "tree/.out.json.tmp-3-4"));
    CHECK(read_file(dir / "outside/victim") == "keep");
  }
  SECTION("move_into_place and remove_output stay within the directory") {
    write_file(dir / "tree/sub/.tmp", "payload");
    move_into_place(OutputPath(root, "sub/.tmp"), OutputPath(root, "sub/final"));
    CHECK(read_file(dir / "tree/sub/final") == "payload");
    fs::create_symlink(dir / "outside/victim", dir / "tree/sub/taken");
    write_file(dir / "tree/sub/.tmp2", "payload");
    CHECK_THROWS_WITH(move_into_place(OutputPath(root, "sub/.tmp2"), OutputPath(root, "sub/taken")),
                      Contains("sub/taken: is a symbolic link"));
    remove_output(OutputPath(root, "sub/final"));
    CHECK_FALSE(fs::exists(dir / "tree/sub/final"));
  }
}

TEST_CASE("AtomicFile: a path the user names still follows its link") {
  TempDir dir;
  write_file(dir / "real.json", "old");
  fs::create_symlink(dir / "real.json", dir / "link.json");
  write_file_atomically(OutputPath(dir / "link.json"), "new");
  CHECK(read_file(dir / "real.json") == "new");
  CHECK(fs::is_symlink(dir / "link.json"));
}

// Output files: regular files replaced atomically, devices and FIFOs written through, symbolic
// links followed to the file they name, stale temporaries of a target cleaned up.
#include <cerrno>
#include <cstdint>
#include <optional>
#include <string>

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "kvonce/util/atomic_file.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

// Everything readable now from a non-blocking descriptor.
std::string drain(int fd) {
  std::string out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;)
    out.append(buf, static_cast<std::size_t>(n));
  return out;
}

std::vector<std::string> temporaries(const TempDir& dir) {
  std::vector<std::string> out;
  for (const std::string& f : dir.files()) {
    if (f.find(".tmp-") != std::string::npos) out.push_back(f);
  }
  return out;
}

}  // namespace

TEST_CASE("AtomicFile replaces a regular file whole and leaves no temporary") {
  TempDir dir;
  write_file(dir / "out.json", "old");
  write_file_atomically(dir / "out.json", "new");
  CHECK(read_file(dir / "out.json") == "new");
  CHECK(fs::is_regular_file(fs::symlink_status(dir / "out.json")));
  CHECK(dir.files() == std::vector<std::string>{"out.json"});
}

TEST_CASE("AtomicFile writes through to a FIFO and leaves it a FIFO") {
  TempDir dir;
  const fs::path fifo = dir / "pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(reader >= 0);
  write_file_atomically(fifo, "through the pipe\n");
  CHECK(drain(reader) == "through the pipe\n");
  ::close(reader);
  CHECK(fs::is_fifo(fs::symlink_status(fifo)));
  CHECK(temporaries(dir).empty());
}

TEST_CASE("AtomicFile writes through to a character device and never replaces it") {
  TempDir dir;
  // A private node of the null device first: if the device were replaced, only this node would
  // be (mknod needs root; /dev/null itself is checked either way).
  const fs::path node = dir / "null";
  if (::mknod(node.c_str(), S_IFCHR | 0600, makedev(1, 3)) == 0) {
    write_file_atomically(node, "discarded");
    REQUIRE(fs::is_character_file(fs::symlink_status(node)));
  }
  write_file_atomically("/dev/null", "discarded");
  CHECK(fs::is_character_file(fs::symlink_status("/dev/null")));
  fs::create_symlink("/dev/null", dir / "link-to-null");
  write_file_atomically(dir / "link-to-null", "discarded");
  CHECK(fs::is_symlink(fs::symlink_status(dir / "link-to-null")));
  CHECK(fs::is_character_file(fs::symlink_status("/dev/null")));
  CHECK(temporaries(dir).empty());
}

TEST_CASE("AtomicFile reports a full device as an output error") {
  try {
    write_file_atomically("/dev/full", std::string(1 << 16, 'x'));
    FAIL("the write to /dev/full succeeded");
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::output);
    CHECK_THAT(e.what(), Catch::Contains("/dev/full"));
  }
  CHECK(fs::is_character_file(fs::symlink_status("/dev/full")));
}

TEST_CASE("AtomicFile follows a symbolic link and replaces the file it names (never the link)") {
  TempDir dir;
  fs::create_directories(dir / "real");
  write_file(dir / "real/out.json", "old");
  SECTION("a relative link") {
    fs::create_symlink("real/out.json", dir / "link.json");
    write_file_atomically(dir / "link.json", "new");
    CHECK(fs::is_symlink(fs::symlink_status(dir / "link.json")));
    CHECK(fs::read_symlink(dir / "link.json") == "real/out.json");
    CHECK(read_file(dir / "real/out.json") == "new");
    CHECK(temporaries(dir).empty());
  }
  SECTION("a chain of links") {
    fs::create_symlink(dir / "real/out.json", dir / "one");
    fs::create_symlink("one", dir / "two");
    write_file_atomically(dir / "two", "new");
    CHECK(fs::is_symlink(fs::symlink_status(dir / "one")));
    CHECK(fs::is_symlink(fs::symlink_status(dir / "two")));
    CHECK(read_file(dir / "real/out.json") == "new");
  }
  SECTION("a dangling link: the file it names is created") {
    fs::create_symlink("real/created.json", dir / "dangling");
    write_file_atomically(dir / "dangling", "made");
    CHECK(fs::is_symlink(fs::symlink_status(dir / "dangling")));
    CHECK(read_file(dir / "real/created.json") == "made");
  }
  SECTION("a loop of links is an output error") {
    fs::create_symlink("b", dir / "a");
    fs::create_symlink("a", dir / "b");
    CHECK_THROWS_AS(write_file_atomically(dir / "a", "x"), Error);
    CHECK(fs::is_symlink(fs::symlink_status(dir / "a")));
  }
}

TEST_CASE("AtomicFile removes stale temporaries of its target and nothing else") {
  TempDir dir;
  const fs::path stale = dir / ".out.json.tmp-4194301-77";       // no writer holds it
  const fs::path live = dir / ".out.json.tmp-4194302-78";        // locked, as a writer does
  const fs::path other = dir / ".other.json.tmp-4194303-79";     // another target's
  const fs::path unlike = dir / ".out.json.tmp-notatemporary";   // not our name pattern
  const fs::path nested = dir / ".out.json.tmp-x.json.tmp-1-2";  // the target ".out.json.tmp-x"
  for (const auto& p : {stale, live, other, unlike, nested}) write_file(p, "partial");
  const int holder = ::open(live.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(holder >= 0);
  REQUIRE(::flock(holder, LOCK_EX | LOCK_NB) == 0);

  write_file_atomically(dir / "out.json", "new");
  ::close(holder);
  CHECK_FALSE(fs::exists(stale));
  CHECK(fs::exists(live));
  CHECK(fs::exists(other));
  CHECK(fs::exists(unlike));
  CHECK(fs::exists(nested));
  CHECK(read_file(dir / "out.json") == "new");
}

TEST_CASE("AtomicFile::copy_from appends another file's bytes, through the kernel or not") {
  TempDir dir;
  const auto copied = [&](const fs::path& source, std::uint64_t bytes, const std::string& before) {
    const int fd = ::open(source.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    AtomicFile out(dir / "out");
    out.write(before);  // gathered by the stream: it must come first
    const bool whole = out.copy_from(fd, bytes);
    ::close(fd);
    if (whole) out.commit();
    return whole ? std::optional<std::string>(read_file(dir / "out")) : std::nullopt;
  };
  SECTION("a file of the same filesystem: copy_file_range") {
    const std::string bytes(300'000, 'b');
    write_file(dir / "in", bytes);
    CHECK(copied(dir / "in", bytes.size(), "head:") == "head:" + bytes);
    CHECK(copied(dir / "in", 10, "") == bytes.substr(0, 10));
  }
  SECTION("a file of another filesystem (the kernel refuses across them): read and written here") {
    const std::string version = read_file("/proc/version");
    REQUIRE_FALSE(version.empty());
    CHECK(copied("/proc/version", version.size(), "head:") == "head:" + version);
  }
  SECTION("a source shorter than asked for: false, nothing committed") {
    write_file(dir / "in", "short");
    CHECK_FALSE(copied(dir / "in", 6, ""));
    CHECK_FALSE(fs::exists(dir / "out"));
  }
}

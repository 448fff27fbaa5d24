// FileRoles: no output may be an input or another output, whatever name it is given.
#include <catch2/catch.hpp>

#include "kvonce/util/error.hpp"
#include "kvonce/util/file_roles.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

// The usage error check() throws, or "" when it accepts the roles.
std::string refusal(const FileRoles& roles) {
  try {
    roles.check();
    return "";
  } catch (const Error& e) {
    CHECK(e.kind() == ErrorKind::usage);
    return e.what();
  }
}

}  // namespace

TEST_CASE("FileRoles refuses an output that is an input under any name") {
  TempDir dir;
  write_file(dir / "p.json", "payload");
  fs::create_directories(dir / "sub");
  fs::create_symlink("../p.json", dir / "sub/link.json");
  fs::create_hard_link(dir / "p.json", dir / "hard.json");
  for (const fs::path& alias :
       {dir / "p.json", dir / "sub/../p.json", dir / "sub/link.json", dir / "hard.json"}) {
    FileRoles roles;
    roles.input(dir / "p.json", "--input").output(alias, "--output");
    CHECK_THAT(refusal(roles), Catch::Contains("--output " + alias.string()) &&
                                   Catch::Contains("is the input --input"));
  }
}

TEST_CASE("FileRoles refuses two outputs that are one file, created or not") {
  TempDir dir;
  fs::create_directories(dir / "sub");
  FileRoles roles;
  roles.output(dir / "x.json", "--output").output(dir / "sub/../x.json", "--stats");
  CHECK_THAT(refusal(roles), Catch::Contains("are the same file"));
  fs::create_symlink(dir / "x.json", dir / "dangling");
  FileRoles through_link;
  through_link.output(dir / "x.json", "--output").output(dir / "dangling", "--stats");
  CHECK_FALSE(refusal(through_link).empty());
}

TEST_CASE("FileRoles accepts distinct files and repeated devices or stdout") {
  TempDir dir;
  write_file(dir / "p.json", "payload");
  FileRoles roles;
  roles.input(dir / "p.json", "--input")
      .input("-", "--input")
      .output(dir / "out.ndjson", "--output")
      .output(dir / "stats.json", "--stats")
      .output("-", "--output")
      .output("-", "--stats")
      .output("/dev/null", "--summary")
      .output("/dev/null", "--results")
      .output("/dev/stdout", "--pr-comment")  // appended to, whatever stdout is
      .output("/dev/fd/1", "--step-summary");
  CHECK(refusal(roles).empty());
}

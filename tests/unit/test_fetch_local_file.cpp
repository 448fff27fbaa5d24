#include <catch2/catch.hpp>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/fetch/local_file.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"
#include "support/thrown.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

void put(const std::filesystem::path& path, const std::string& bytes) {
  std::filesystem::create_directories(path.parent_path());
  write_file(path, bytes);
}

}  // namespace

TEST_CASE("find_payload_in_directory") {
  TempDir dir;
  SECTION("picks the named payload in a subdirectory, ignores symlinks") {
    put(dir / "art" / "nested" / "kvonce-otlp.json", "{}");
    put(dir / "elsewhere.json", "{}");
    std::filesystem::create_symlink(dir / "elsewhere.json", dir / "art" / "link.json");
    put(dir / "art" / "kvonce-payload-metadata.json", "{}");
    CHECK(fetch::find_payload_in_directory(dir / "art") ==
          dir / "art" / "nested" / "kvonce-otlp.json");
  }
  SECTION("a symlink is never chosen as the only payload") {
    write_file(dir / "real.json", "{}");
    std::filesystem::create_directory(dir / "art");
    std::filesystem::create_symlink(dir / "real.json", dir / "art" / "p.json");
    CHECK(kind_of([&] { fetch::find_payload_in_directory(dir / "art"); }) == ErrorKind::input);
  }
  SECTION("missing directory") {
    CHECK_THAT(message_of([&] { fetch::find_payload_in_directory(dir / "nope"); }),
               Catch::Contains("not a directory"));
  }
}

TEST_CASE("copy_local_file") {
  TempDir dir;
  transfer::DownloadPolicy policy;
  write_file(dir / "in.json", "{\"resourceSpans\":[]}");
  SECTION("copies with hash and size") {
    const auto r = fetch::copy_local_file(dir / "in.json", dir / "out" / "p.json", policy);
    CHECK(read_file(dir / "out" / "p.json") == "{\"resourceSpans\":[]}");
    CHECK(r.sha256 == crypto::sha256_hex("{\"resourceSpans\":[]}"));
    CHECK(r.size_bytes == 20);
    CHECK(r.content_encoding.empty());
  }
  SECTION("sniffs gzip") {
    write_file(dir / "in.gz", std::string("\x1f\x8b\x08\x00", 4));
    CHECK(fetch::copy_local_file(dir / "in.gz", dir / "p.gz", policy).content_encoding == "gzip");
  }
  SECTION("limit and integrity failures leave no file") {
    policy.max_bytes = 10;
    CHECK(kind_of([&] { fetch::copy_local_file(dir / "in.json", dir / "p.json", policy); }) ==
          ErrorKind::limit);
    policy.max_bytes = 0;
    policy.expect_sha256 = std::string(64, '0');
    CHECK(kind_of([&] { fetch::copy_local_file(dir / "in.json", dir / "p.json", policy); }) ==
          ErrorKind::integrity);
    CHECK(dir.files() == std::vector<std::string>{"in.json"});
  }
  SECTION("onto itself: checked in place, not truncated") {
    const auto r = fetch::copy_local_file(dir / "in.json", dir / "in.json", policy);
    CHECK(r.size_bytes == 20);
    CHECK(read_file(dir / "in.json") == "{\"resourceSpans\":[]}");
  }
  SECTION("missing source or a directory: input error") {
    CHECK(kind_of([&] { fetch::copy_local_file(dir / "nope", dir / "p.json", policy); }) ==
          ErrorKind::input);
    CHECK(kind_of([&] { fetch::copy_local_file(dir.path(), dir / "p.json", policy); }) ==
          ErrorKind::input);
  }
}

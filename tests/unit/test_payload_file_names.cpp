// The payload file name table round-trips: each name it lists is picked by exactly the pickers it
// says, and each compression's suffix after a payload suffix is picked.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "kvonce/batch/inputs.hpp"
#include "kvonce/io/compression.hpp"
#include "kvonce/payload/file_names.hpp"
#include "kvonce/transfer/payload_choice.hpp"
#include "kvonce/util/error.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using payload::Picker;

namespace {

// Whether batch's expansion of `dir` lists the file `name` in it.
bool batch_expands(const test::TempDir& dir, const std::string& name) {
  std::vector<batch::PayloadRef> refs;
  batch::expand_local_input(dir.path().string(), {}, refs);
  return std::any_of(refs.begin(), refs.end(), [&](const batch::PayloadRef& ref) {
    return ref.source == (dir.path() / name).string();
  });
}

// Whether fetch's picker takes `name` when it is the only file of a directory.
bool fetch_picks(const std::string& name) {
  try {
    return transfer::choose_payload({"dir/" + name}, "dir") == "dir/" + name;
  } catch (const Error&) {
    return false;
  }
}

// Checks one name: batch's walk of a directory holding it and fetch's pick among its files.
void check_name(const std::string& name, Picker pickers) {
  CAPTURE(name);
  test::TempDir dir;
  test::write_file(dir / name, "{}");
  CHECK(batch_expands(dir, name) == payload::picked_by(pickers, Picker::batch));
  CHECK(fetch_picks(name) == payload::picked_by(pickers, Picker::fetch));
}

}  // namespace

TEST_CASE("payload name table: each name is picked by exactly the pickers it lists") {
  const std::string gz(io::row_of(io::Compression::gzip).suffix);
  for (const payload::PayloadExtension& ext : payload::kPayloadExtensions) {
    check_name("payload" + std::string(ext.suffix), ext.plain);
    check_name("payload" + std::string(ext.suffix) + gz, ext.gzipped);
  }
  // fetch ignores case, batch does not.
  for (const payload::PayloadExtension& ext : payload::kPayloadExtensions) {
    std::string upper = "PAYLOAD" + std::string(ext.suffix);
    std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
    CHECK(payload::is_payload_name(upper, Picker::fetch) == picked_by(ext.plain, Picker::fetch));
    CHECK_FALSE(payload::is_payload_name(upper, Picker::batch));
  }
  check_name("payload.proto", Picker::none);
  check_name("payload.gz", Picker::none);
}

TEST_CASE("payload name table: each compression's suffix after a payload suffix is picked") {
  for (const io::CompressionRow& row : io::kCompressionTable) {
    if (row.suffix.empty()) continue;
    CAPTURE(row.suffix);
    CHECK(payload::is_payload_name("payload.json" + std::string(row.suffix), Picker::batch));
  }
}

TEST_CASE("payload name table: docs/batch.md lists every name batch picks") {
  const std::string doc = test::read_file(std::string(KVONCE_SOURCE_DIR) + "/docs/batch.md");
  const std::string gz(io::row_of(io::Compression::gzip).suffix);
  for (const payload::PayloadExtension& ext : payload::kPayloadExtensions) {
    const std::string plain = "`*" + std::string(ext.suffix) + "`";
    const std::string gzipped = "`*" + std::string(ext.suffix) + gz + "`";
    CAPTURE(plain);
    CHECK((doc.find(plain) != std::string::npos) == picked_by(ext.plain, Picker::batch));
    CHECK((doc.find(gzipped) != std::string::npos) == picked_by(ext.gzipped, Picker::batch));
  }
}

// `kvonce-trace fetch` (in-process): the files it may not write.
#include <catch2/catch.hpp>

#include "support/test_support.hpp"

using namespace kvonce::test;

TEST_CASE("fetch refuses a --metadata file that is the --target or the --file payload") {
  TempDir dir;
  const std::string payload = read_file(test_data("kvonce-otlp.json"));
  write_file(dir / "p.json", payload);
  const auto p = (dir / "p.json").string();
  const auto out = (dir / "out.json").string();
  SECTION("--metadata = --target") {
    const auto r = run_cli({"fetch", "--file", p, "--target", out, "--metadata", out});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("--metadata") && Catch::Contains("--target"));
    CHECK_FALSE(std::filesystem::exists(out));
  }
  SECTION("--metadata = --file") {
    CHECK(run_cli({"fetch", "--file", p, "--target", out, "--metadata", p}).exit_code == 3);
    CHECK(read_file(dir / "p.json") == payload);
  }
}

// `kvonce-trace --version`: the build and the versions of the C libraries it runs with.
#include <regex>
#include <sstream>
#include <vector>

#include <catch2/catch.hpp>

#include "cli/version.hpp"
#include "support/test_support.hpp"

using namespace kvonce::test;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace

TEST_CASE("cli: --version names the version, the commit and each library's runtime version") {
  const auto r = run_cli({"--version"});
  REQUIRE(r.exit_code == 0);
  const auto lines = lines_of(r.out);
  REQUIRE(lines.size() == 9);
  CHECK(lines[0] == std::string("kvonce-trace ") + KVONCE_VERSION);
  CHECK(lines[1] == std::string("commit ") + kvonce::cli::build_commit());
  CHECK(std::regex_match(lines[1], std::regex("commit ([0-9a-f]{40}(-dirty)?|unknown)")));
  const std::string version = R"( \d+\.\d+\.\d+\S*)";
  CHECK(std::regex_match(lines[2], std::regex("libcurl" + version)));
  CHECK(std::regex_match(lines[3], std::regex("OpenSSL" + version)));
  CHECK(std::regex_match(lines[4], std::regex("zlib" + version)));
  CHECK(std::regex_match(lines[5], std::regex("libzip" + version)));
  CHECK(std::regex_match(lines[6], std::regex("libzstd" + version)));
  CHECK(std::regex_match(lines[7], std::regex("libnghttp2" + version)));
  CHECK(std::regex_match(lines[8], std::regex("ISA-L" + version + " \\(built with\\)")));
  CHECK(r.out == kvonce::cli::version_text() + "\n");
  CHECK(r.err.empty());
}

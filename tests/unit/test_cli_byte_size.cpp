// Byte sizes on the command line: units, case, overflow and garbage, and the usage error that
// names the option.
#include <catch2/catch.hpp>

#include "cli/byte_size.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;

namespace {

std::optional<std::uint64_t> parse(const std::string& text) {
  std::string why;
  const auto bytes = cli::parse_byte_size(text, why);
  CHECK(bytes.has_value() == why.empty());
  return bytes;
}

}  // namespace

TEST_CASE("byte sizes: plain bytes and binary and decimal units, any case") {
  CHECK(parse("0") == 0u);
  CHECK(parse("1000") == 1000u);
  CHECK(parse("1000B") == 1000u);
  CHECK(parse("512KiB") == 512u * 1024);
  CHECK(parse("10MiB") == 10u * 1024 * 1024);
  CHECK(parse("1GiB") == 1ULL << 30);
  CHECK(parse("2TiB") == 2ULL << 40);
  CHECK(parse("500kB") == 500'000u);
  CHECK(parse("10MB") == 10'000'000u);
  CHECK(parse("1GB") == 1'000'000'000u);
  CHECK(parse("2TB") == 2'000'000'000'000u);
  CHECK(parse("10mib") == 10u * 1024 * 1024);
  CHECK(parse("10MIB") == 10u * 1024 * 1024);
  CHECK(parse("1gb") == 1'000'000'000u);
  CHECK(parse("7b") == 7u);
}

TEST_CASE("byte sizes: overflow, negatives and garbage are refused") {
  CHECK(parse("18446744073709551615") == 18446744073709551615ULL);
  for (const char* bad :
       {"18446744073709551616", "99999999999999999999999", "16777216TiB", "-1", "+1", "1.5MiB",
        "10 MiB", "MiB", "", "10M", "10K", "10XB", "0x10", "ten", "10MiBs", " 10"}) {
    CAPTURE(bad);
    std::string why;
    CHECK_FALSE(cli::parse_byte_size(bad, why).has_value());
    CHECK_FALSE(why.empty());
  }
}

TEST_CASE("byte sizes: defaults are shown in the largest exact binary unit") {
  CHECK(cli::format_byte_size(0) == "0");
  CHECK(cli::format_byte_size(1000) == "1000");
  CHECK(cli::format_byte_size(1024) == "1KiB");
  CHECK(cli::format_byte_size(10ULL << 20) == "10MiB");
  CHECK(cli::format_byte_size(1ULL << 30) == "1GiB");
  CHECK(cli::format_byte_size(1536) == "1536");
  CHECK(cli::format_byte_size(3ULL << 40) == "3TiB");
  for (const std::uint64_t bytes : {0ULL, 1000ULL, 1536ULL, 10ULL << 20, 5ULL << 40}) {
    CHECK(parse(cli::format_byte_size(bytes)) == bytes);  // help shows what the option takes
  }
}

TEST_CASE("byte sizes: a bad value is a usage error naming the option, and units are taken") {
  const CliResult bad =
      run_cli({"verify", "-i", "x.json", "-d", "out", "--max-string-bytes", "lots"});
  CHECK(bad.exit_code == 3);
  CHECK_THAT(bad.err, Catch::Contains("--max-string-bytes") && Catch::Contains("byte size"));
  const CliResult zero =
      run_cli({"verify", "-i", "x.json", "-d", "out", "--max-output-bytes", "0"});
  CHECK(zero.exit_code == 3);
  CHECK_THAT(zero.err, Catch::Contains("--max-output-bytes"));
  const CliResult negative = run_cli({"fetch", "--target", "x", "--max-bytes", "-1"});
  CHECK(negative.exit_code == 3);

  TempDir dir;
  write_file(dir / "p.ndjson",
             R"({"timestamp":"2025-10-09T08:00:00.000Z","type":"success","key":"k","value":"v",)"
             R"("context":{"attempts":1}})"
             "\n");
  const CliResult tiny = run_cli({"verify", "-i", (dir / "p.ndjson").string(), "-d",
                                  (dir / "out").string(), "--max-string-bytes", "1KiB"});
  INFO(tiny.err);
  CHECK(tiny.exit_code == 0);
}

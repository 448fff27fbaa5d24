// --mask-values, --mask-attr and --mask-key-env through prepare, verify and run (in-process CLI):
// no raw value in any output, verdicts unchanged, masks comparable within a run only, or stable
// under a key from the environment that itself never appears anywhere.
#include <map>
#include <regex>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <stdlib.h>

#include "kvonce/crypto/crypto.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;
const std::vector<std::string> kRaw = {"RAW-VALUE", "RAW-USER", "12345678901234567890123"};
const std::string kKey = "test-mask-key-0123456789abcdef-canary";
const char* const kKeyVar = "KVONCE_TEST_MASK_KEY";

std::string context(int attempts, const std::string& user) {
  return raw_attr("kvonce.event.context",
                  R"({"kvlistValue":{"values":[{"key":"attempts","value":{"intValue":")" +
                      std::to_string(attempts) + R"("}},{"key":"user","value":{"stringValue":")" +
                      user + R"("}}]}})");
}

std::string with(const std::string& value, const std::string& ctx) {
  return (value.empty() ? "" : str_attr("kvonce.event.value", value) + ",") + ctx;
}

// Raw values: equal ones on different keys, a success without value (an issue), a second
// success (an issue), a retry, and an intValue beyond int64 whose digits must not leak either.
std::string payload() {
  return otlp_doc({
      kv_span(T0 + 1, "success", "acct",
              with("RAW-VALUE-alice@example.com", context(1, "RAW-USER-alice"))),
      kv_span(T0 + 2, "success", "acct",
              with("RAW-VALUE-alice@example.com", context(1, "RAW-USER-alice"))),
      kv_span(T0 + 3, "success", "b", with("RAW-VALUE-bob", context(1, "RAW-USER-bob"))),
      kv_span(T0 + 4, "success", "c", context(1, "RAW-USER-carol")),
      kv_span(T0 + 5, "retry", "d", context(1, "RAW-USER-dave")),
      kv_span(T0 + 6, "success", "d", with("RAW-VALUE-bob", context(2, "RAW-USER-dave"))),
      kv_span(T0 + 7, "success", "e",
              raw_attr("kvonce.event.value", R"({"intValue":"12345678901234567890123"})") + "," +
                  context(1, "x")),
  });
}

// Every file below `dir` plus the console text must hold none of `needles`.
void check_nothing_leaks(const fs::path& dir, const std::string& console,
                         const std::vector<std::string>& needles) {
  std::vector<std::string> texts{console};
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().filename() != "payload.json") {
      texts.push_back(read_file(e.path()));
    }
  }
  REQUIRE(texts.size() > 1);
  for (const std::string& text : texts) {
    for (const std::string& needle : needles) CHECK(text.find(needle) == std::string::npos);
  }
}

std::vector<nlohmann::json> events(const fs::path& ndjson) {
  std::vector<nlohmann::json> out;
  for (const std::string& line : read_lines(ndjson)) out.push_back(nlohmann::json::parse(line));
  return out;
}

// The verdict: the issues without their histories (which show the values, masked or not).
nlohmann::json issues(const fs::path& dir) {
  nlohmann::json out = nlohmann::json::parse(read_file(dir / "kvonce-validation.json"))["issues"];
  for (auto& issue : out) issue.erase("history");
  return out;
}

const std::regex kMask("hmac-sha256:[0-9a-f]{64}");

bool is_mask(const nlohmann::json& v) {
  return v.is_string() && std::regex_match(v.get<std::string>(), kMask);
}

// The environment the CLI sees in a test that takes the key from a variable.
const std::map<std::string, std::string> kKeyEnv{{kKeyVar, kKey}};

}  // namespace

TEST_CASE("masking: --mask-values and --mask-attr: no raw value reaches any output") {
  TempDir dir;
  write_file(dir / "payload.json", payload());
  const std::string in = (dir / "payload.json").string();
  const std::vector<std::string> mask{"--mask-values", "--mask-attr", "user"};
  auto args = [&](std::vector<std::string> a) {
    a.insert(a.end(), mask.begin(), mask.end());
    return a;
  };

  const auto p = run_cli(args({"prepare", "-i", in, "-o", (dir / "p.ndjson").string(), "--stats",
                               (dir / "stats.json").string()}));
  REQUIRE(p.exit_code == 0);
  const auto v = run_cli(args({"verify", "-i", in, "-d", (dir / "v").string()}));
  CHECK(v.exit_code == 1);
  const auto r = run_cli(args({"run", "-i", in, "--trace-dir", (dir / "r").string()}));
  CHECK(r.exit_code == 1);
  check_nothing_leaks(dir.path(), p.out + p.err + v.out + v.err + r.out + r.err, kRaw);

  // The masks are there instead, in the value and in context.user; attempts stays readable.
  const auto evs = events(dir / "p.ndjson");
  REQUIRE(evs.size() == 7);
  CHECK(is_mask(evs[0]["value"]));
  CHECK(is_mask(evs[0]["context"]["user"]));
  CHECK(evs[0]["context"]["attempts"] == 1);
  CHECK_FALSE(evs[3].contains("value"));  // absent stays absent
  CHECK_THAT(read_file(dir / "v/kvonce-projection.json"), Catch::Contains("hmac-sha256:"));

  SECTION("without masking the same run does show them (the scan can fail)") {
    const auto plain = run_cli({"prepare", "-i", in, "-o", (dir / "plain.ndjson").string()});
    CHECK(read_file(dir / "plain.ndjson").find("RAW-VALUE") != std::string::npos);
    CHECK(plain.err.find("12345678901234567890123") == std::string::npos);  // never echoed
  }
}

TEST_CASE("masking: --mask-values: verdicts are unchanged") {
  TempDir dir;
  write_file(dir / "payload.json", payload());
  const std::string in = (dir / "payload.json").string();
  for (const char* profile : {"spec", "compat"}) {
    CAPTURE(profile);
    const auto plain =
        run_cli({"verify", "-i", in, "-d", (dir / "plain").string(), "--profile", profile});
    const auto masked = run_cli({"verify", "-i", in, "-d", (dir / "masked").string(), "--profile",
                                 profile, "--mask-values", "--mask-attr", "user"});
    CHECK(plain.exit_code == masked.exit_code);
    CHECK(issues(dir / "plain") == issues(dir / "masked"));
  }
  // Spec judges success-without-value on "c" and multiple-success on "acct" alike with masks.
  const auto masked = run_cli({"verify", "-i", in, "-d", (dir / "spec").string(), "--mask-values"});
  CHECK(masked.exit_code == 1);
  const std::string text = issues(dir / "spec").dump();
  CHECK_THAT(text, Catch::Contains("success-without-value") && Catch::Contains("multiple-success"));
}

TEST_CASE("masking: --mask-values: equal within a run, unlinkable across runs") {
  TempDir dir;
  write_file(dir / "payload.json", payload());
  const std::string in = (dir / "payload.json").string();
  REQUIRE(run_cli({"prepare", "-i", in, "-o", (dir / "1.ndjson").string(), "--mask-values"})
              .exit_code == 0);
  REQUIRE(run_cli({"prepare", "-i", in, "-o", (dir / "2.ndjson").string(), "--mask-values"})
              .exit_code == 0);
  const auto a = events(dir / "1.ndjson"), b = events(dir / "2.ndjson");
  REQUIRE(a.size() == 7);
  CHECK(a[0]["value"] == a[1]["value"]);  // alice twice
  CHECK(a[2]["value"] == a[5]["value"]);  // bob on two keys
  CHECK(a[0]["value"] != a[2]["value"]);
  CHECK(a[0]["value"] != b[0]["value"]);  // a new key per run
  CHECK(a[2]["value"] != b[2]["value"]);
  CHECK(a[0]["context"] == b[0]["context"]);  // contexts untouched without --mask-attr
}

TEST_CASE("masking: --mask-key-env: stable masks, and the key never appears") {
  TempDir dir;
  write_file(dir / "payload.json", payload());
  const std::string in = (dir / "payload.json").string();
  const std::vector<std::string> mask{"--mask-values", "--mask-attr", "user", "--mask-key-env",
                                      kKeyVar};
  std::string console;
  for (const char* n : {"1", "2"}) {
    std::vector<std::string> a{"prepare", "-i", in, "-o",
                               (dir / (std::string(n) + ".ndjson")).string()};
    a.insert(a.end(), mask.begin(), mask.end());
    const auto r = run_cli(a, kKeyEnv);
    REQUIRE(r.exit_code == 0);
    console += r.out + r.err;
  }
  std::vector<std::string> a{"run", "-i", in, "--trace-dir", (dir / "r").string()};
  a.insert(a.end(), mask.begin(), mask.end());
  const auto r = run_cli(a, kKeyEnv);
  CHECK(r.exit_code == 1);
  console += r.out + r.err;

  const auto one = events(dir / "1.ndjson"), two = events(dir / "2.ndjson");
  CHECK(one == two);
  // The mask is the documented HMAC under the variable's bytes.
  const std::string expected =
      "hmac-sha256:" + crypto::hmac_sha256_hex(kKey, "\"RAW-VALUE-alice@example.com\"");
  CHECK(one[0]["value"] == expected);
  CHECK(one[0]["context"]["user"] ==
        "hmac-sha256:" + crypto::hmac_sha256_hex(kKey, "\"RAW-USER-alice\""));
  check_nothing_leaks(dir.path(), console,
                      {kKey, "canary", crypto::to_hex(kKey), crypto::base64_encode(kKey)});
  check_nothing_leaks(dir.path(), console, kRaw);
}

TEST_CASE("masking: --mask-key-env: a missing key is a usage error naming the variable") {
  TempDir dir;
  write_file(dir / "payload.json", payload());
  const std::string in = (dir / "payload.json").string();
  for (const std::string cmd : {"prepare", "verify", "run"}) {
    CAPTURE(cmd);
    std::vector<std::string> a{cmd, "-i", in};
    if (cmd == "prepare") a.insert(a.end(), {"-o", (dir / "out.ndjson").string()});
    if (cmd == "verify") a.insert(a.end(), {"-d", (dir / "out").string()});
    if (cmd == "run") a.insert(a.end(), {"--trace-dir", (dir / "out").string()});
    a.insert(a.end(), {"--mask-values", "--mask-key-env", "KVONCE_TEST_MASK_KEY_UNSET"});
    const auto r = run_cli(a);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("KVONCE_TEST_MASK_KEY_UNSET is unset or empty"));
    CHECK(dir.files() == std::vector<std::string>{"payload.json"});
  }
  SECTION("a short key is refused without echoing it") {
    const auto r = run_cli({"prepare", "-i", in, "-o", (dir / "out.ndjson").string(),
                            "--mask-values", "--mask-key-env", kKeyVar},
                           {{kKeyVar, "tiny-secret"}});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains(kKeyVar) && !Catch::Contains("tiny-secret"));
  }
  SECTION("the key given in place of the variable's name is not echoed") {
    const auto r = run_cli({"prepare", "-i", in, "-o", (dir / "out.ndjson").string(),
                            "--mask-values", "--mask-key-env", kKey});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("the name of an environment variable") &&
                          !Catch::Contains(kKey) && !Catch::Contains("canary"));
  }
  SECTION("a key with nothing to mask is a usage error") {
    const auto r = run_cli(
        {"prepare", "-i", in, "-o", (dir / "out.ndjson").string(), "--mask-key-env", kKeyVar},
        kKeyEnv);
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Catch::Contains("nothing to mask"));
  }
}

TEST_CASE("run --mask-values: one key masks both modes alike") {
  TempDir dir;
  write_file(dir / "payload.json", payload());
  const std::string in = (dir / "payload.json").string();
  const auto plain = run_cli({"run", "-i", in, "--trace-dir", (dir / "plain").string()});
  const auto r = run_cli({"run", "-i", in, "--trace-dir", (dir / "t").string(), "--mask-values",
                          "--mask-attr", "user"});
  CHECK(r.exit_code == plain.exit_code);
  CHECK_THAT(r.out, Catch::Contains("otlp and ndjson verdicts agree"));
  CHECK(read_file(dir / "t/otlp/kvonce-events.ndjson") ==
        read_file(dir / "t/ndjson/kvonce-events.ndjson"));
  auto projection = [&](const char* mode) {
    auto p = nlohmann::json::parse(read_file(dir / "t" / mode / "kvonce-projection.json"));
    p.erase("generatedAt");
    return p;
  };
  CHECK(projection("otlp") == projection("ndjson"));
  CHECK(issues(dir / "t/otlp") == issues(dir / "plain/otlp"));
}

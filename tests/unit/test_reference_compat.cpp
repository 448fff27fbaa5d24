// `--profile compat` against the JavaScript pipeline it reproduces (itdojp/ae-framework at commit
// 804a341: its converter, projector and validator), on traces of every class where the two once
// disagreed. The expectations are that pipeline's own outputs, recorded next to each trace by
// tests/reference/record.mjs: the validator's verdict and issues, and each key's first and last
// timestamp from the projection. cases/ holds one minimal trace per class; generated/ holds
// seeded traces mixing all the classes with ordinary events.
#include <algorithm>
#include <filesystem>
#include <regex>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

using namespace kvonce::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kReferenceData = fs::path(KVONCE_SOURCE_DIR) / "tests" / "data" / "reference";

// Both sides write a lone UTF-16 surrogate as its \u escape, which nlohmann refuses to decode:
// compare such escapes as the text they are.
json parse(const std::string& text) {
  static const std::regex kSurrogate(R"(\\u([dD][89a-fA-F][0-9a-fA-F]{2}))");
  return json::parse(std::regex_replace(text, kSurrogate, R"(\\u$1)"));
}

std::vector<fs::path> traces(const std::string& folder) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(kReferenceData / folder)) {
    const std::string name = entry.path().filename().string();
    if (name.size() < 14 || name.substr(name.size() - 14) != ".expected.json") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Runs `verify --profile compat` on the trace and checks it says what the reference said.
void check_against_reference(const fs::path& trace) {
  INFO("trace " << trace.filename().string());
  fs::path expected_path = trace;
  expected_path.replace_extension(".expected.json");
  const json expected = parse(read_file(expected_path));
  REQUIRE_FALSE(expected.contains("referenceFailed"));

  TempDir out;
  const CliResult r =
      run_cli({"verify", "-i", trace.string(), "--profile", "compat", "-d", (out / "v").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == (expected.at("valid").get<bool>() ? 0 : 1));

  const json validation = parse(read_file(out / "v" / "kvonce-validation.json"));
  json issues = json::array();
  for (const json& issue : validation.at("issues")) {
    issues.push_back(
        {{"key", issue.at("key")}, {"type", issue.at("type")}, {"message", issue.at("message")}});
  }
  CHECK(issues == expected.at("issues"));
  CHECK(validation.at("valid") == expected.at("valid"));

  // Every key's first and last timestamp as the reference's projection has them. The reference
  // also counts a line without type and key (5, {}) as an event of key "unknown", which
  // kvonce-trace skips: that key alone may be missing here.
  const json per_key = parse(read_file(out / "v" / "kvonce-projection.json")).at("perKey");
  const json& timestamps = expected.at("timestamps");
  for (const auto& [key, entry] : per_key.items()) {
    INFO("key " << key);
    REQUIRE(timestamps.contains(key));
    CHECK(json::array({entry.at("firstTimestamp"), entry.at("lastTimestamp")}) ==
          timestamps.at(key));
  }
  for (const auto& [key, entry] : timestamps.items()) {
    if (!per_key.contains(key)) CHECK(key == "unknown");
  }
}

void check_case(const std::string& name) {
  check_against_reference(kReferenceData / "cases" / name);
}

}  // namespace

TEST_CASE("reference: a lone UTF-16 surrogate in a span's key is a key of its own") {
  check_case("lone-surrogate-keys-in-spans.json");
}

TEST_CASE("reference: a lone UTF-16 surrogate in an NDJSON key is a key of its own") {
  check_case("lone-surrogate-keys-in-lines.ndjson");
}

TEST_CASE("reference: an attribute without a value member clears an earlier one of its key") {
  check_case("attribute-without-value-clears.json");
}

TEST_CASE("reference: attribute values not in OTLP/JSON form read as the converter reads them") {
  check_case("attribute-values-as-converter-reads.json");
}

TEST_CASE("reference: ISO 8601 UTC times from year 0000 to 9999 are times") {
  check_case("iso-times-outside-1970-2554.ndjson");
}

TEST_CASE("reference: a startTimeUnixNano number with an exponent is kept when it is an integer") {
  check_case("start-time-number-with-exponent.json");
}

TEST_CASE("reference: NDJSON lines are trimmed of JavaScript white space") {
  check_case("javascript-white-space-around-lines.ndjson");
}

TEST_CASE("reference: NDJSON lines that are JSON but not objects are skipped") {
  check_case("json-lines-that-are-not-objects.ndjson");
}

TEST_CASE("reference: compat agrees with the recorded reference on every seeded generated trace") {
  const std::vector<fs::path> generated = traces("generated");
  REQUIRE(generated.size() >= 40);
  for (const fs::path& trace : generated) check_against_reference(trace);
}

// Reading trace directories into the report model.
#include <catch2/catch.hpp>

#include "kvonce/report/load.hpp"

#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::report;
using namespace kvonce::test;
namespace fs = std::filesystem;

namespace {

fs::path fixture(const std::string& name) {
  return fs::path(KVONCE_TEST_DATA) / "report" / name;
}

}  // namespace

TEST_CASE("load_report") {
  SECTION("valid in both modes, with the payload metadata") {
    const Report r = load_report(fixture("valid"));
    REQUIRE(r.modes.size() == 2);
    CHECK(r.modes[0].mode == "otlp");
    CHECK(r.modes[1].mode == "ndjson");
    for (const ModeResult& m : r.modes) {
      CHECK(m.status == ModeStatus::valid);
      CHECK(m.events == 6u);
      CHECK(m.keys == 3u);
      CHECK(m.issue_count == 0);
    }
    CHECK(r.payload.present);
    CHECK(r.payload.error.empty());
    CHECK(r.payload.source_type == "sample");
    CHECK(r.payload.sha256 == "78eab7b4be418e39f9cb044e72da0606cd952a27b384c040b5a7d42ea396cf9a");
    CHECK(r.payload.size_bytes == 9154u);
    CHECK(overall(r) == Overall::valid);
  }
  SECTION("invalid: every issue with its location") {
    const Report r = load_report(fixture("invalid"));
    const ModeResult& m = r.modes[1];
    CHECK(m.status == ModeStatus::invalid);
    CHECK(m.issue_count == 4);
    REQUIRE(m.issues.size() == 4);
    CHECK(m.issues[2].key == "beta");
    CHECK(m.issues[2].type == "duplicate-before-success");
    CHECK(m.issues[2].timestamp == "2025-10-09T08:53:21.500Z");
    CHECK(m.issues[2].trace_id == "otlp-missing-traceid-r0-s0-p2");
    CHECK(overall(r) == Overall::invalid);
  }
  SECTION("a missing mode directory is missing, not an error") {
    const Report r = load_report(fixture("missing"));
    CHECK(r.modes[0].status == ModeStatus::valid);
    CHECK(r.modes[1].status == ModeStatus::missing);
    CHECK_FALSE(r.payload.present);
    CHECK(overall(r) == Overall::valid);
  }
  SECTION("nothing at all is missing") {
    TempDir dir;
    const Report r = load_report(dir / "nowhere");
    CHECK(r.modes[0].status == ModeStatus::missing);
    CHECK(r.modes[1].status == ModeStatus::missing);
    CHECK(overall(r) == Overall::missing);
  }
  SECTION("unreadable modes are errors that say why and where") {
    const Report r = load_report(fixture("error"));
    CHECK(r.modes[0].status == ModeStatus::error);
    CHECK_THAT(r.modes[0].error, Catch::Contains("otlp/kvonce-validation.json does not exist"));
    CHECK(r.modes[1].status == ModeStatus::error);
    CHECK_THAT(r.modes[1].error,
               Catch::Contains("ndjson/kvonce-validation.json: invalid JSON at byte"));
    CHECK(r.modes[1].issues.empty());
    CHECK(r.payload.present);
    CHECK_THAT(r.payload.error, Catch::Contains("not a JSON object"));
    CHECK(overall(r) == Overall::invalid);
  }
  SECTION("the replaced pipeline's files: counts come from the projection") {
    const Report r = load_report(fixture("hostile"));
    const ModeResult& m = r.modes[0];
    CHECK(m.status == ModeStatus::invalid);
    CHECK(m.events == 40u);
    CHECK(m.keys == 12u);
    CHECK(m.issue_count == 12);
    CHECK(m.issues[0].key == "<script>alert(1)</script>");
    CHECK(m.issues[9].timestamp.empty());
  }
}

TEST_CASE("load_mode") {
  TempDir dir;
  const auto write_validation = [&](const std::string& text) {
    fs::create_directories(dir / "m");
    write_file(dir / "m" / "kvonce-validation.json", text);
    return load_mode(dir / "m", "otlp");
  };
  SECTION("keeps the first issues and counts them all") {
    std::string text = "{\"valid\":false,\"issues\":[";
    for (int i = 0; i < 3000; ++i)
      text += std::string(i ? "," : "") + "{\"key\":\"k" + std::to_string(i) + "\"}";
    fs::create_directories(dir / "m");
    write_file(dir / "m" / "kvonce-validation.json", text + "]}");
    LoadOptions options;
    options.keep_issues = 50;
    const ModeResult m = load_mode(dir / "m", "otlp", options);
    CHECK(m.issue_count == 3000);
    CHECK(m.issues.size() == 50);
    CHECK(m.issues.back().key == "k49");
  }
  SECTION("non-string fields are shown as JSON") {
    const ModeResult m =
        write_validation("{\"valid\":false,\"issues\":[{\"key\":42,\"type\":\"t\"}]}");
    CHECK(m.issues[0].key == "42");
  }
  SECTION("warnings are kept, a few") {
    const ModeResult m = write_validation(
        "{\"valid\":false,\"eventCount\":0,\"issues\":[],\"warnings\":[\"a\",\"b\",\"c\",\"d\","
        "\"e\",\"f\"]}");
    CHECK(m.status == ModeStatus::invalid);
    CHECK(m.events == 0u);
    CHECK(m.warnings == std::vector<std::string>{"a", "b", "c", "d", "e"});
  }
  SECTION("no boolean valid is an error") {
    const ModeResult m = write_validation("{\"valid\":\"yes\",\"issues\":[]}");
    CHECK(m.status == ModeStatus::error);
    CHECK_THAT(m.error, Catch::Contains("\"valid\" is not a boolean"));
    CHECK(write_validation("{\"issues\":[]}").status == ModeStatus::error);
  }
  SECTION("issues that are not an array are an error") {
    CHECK(write_validation("{\"valid\":true,\"issues\":{}}").status == ModeStatus::error);
  }
  SECTION("a file where the directory should be is an error") {
    write_file(dir / "f", "x");
    const ModeResult m = load_mode(dir / "f", "ndjson");
    CHECK(m.status == ModeStatus::error);
    CHECK_THAT(m.error, Catch::Contains("is not a directory"));
  }
}

TEST_CASE("load_payload_metadata") {
  TempDir dir;
  SECTION("absent") {
    CHECK_FALSE(load_payload_metadata(dir / "none.json").present);
  }
  SECTION("a URL in sourceDetail is redacted as read, whoever wrote the file") {
    write_file(dir / "m.json",
               R"({"sourceType":"url","sourceDetail":"https://u:pw@h/p?a=1;X-Amz-Signature=s3cr3t&)"
               R"(sig=x#token=y"})");
    const PayloadSummary p = load_payload_metadata(dir / "m.json");
    CHECK(p.source_detail == "https://h/p?a=1");
    write_file(dir / "m.json", R"({"sourceType":"explicit","sourceDetail":"dir/p?.json"})");
    CHECK(load_payload_metadata(dir / "m.json").source_detail == "dir/p?.json");
  }
  SECTION("fields of the wrong type are left empty") {
    write_file(dir / "m.json", "{\"sourceType\":1,\"sha256\":\"ab\",\"sizeBytes\":-3}");
    const PayloadSummary p = load_payload_metadata(dir / "m.json");
    CHECK(p.present);
    CHECK(p.error.empty());
    CHECK(p.source_type.empty());
    CHECK(p.sha256 == "ab");
    CHECK_FALSE(p.size_bytes);
  }
}

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "kvonce/crypto/crypto.hpp"
#include "kvonce/fetch/fetch.hpp"
#include "kvonce/payload/sample.hpp"

#include "fetch_scripted_transport.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using namespace kvonce::test::script;

namespace {

struct Fixture {
  TempDir dir;
  fetch::FetchOptions options;
  Fixture() { options.target = dir / "out" / "payload.json"; }
  nlohmann::json metadata() const {
    return nlohmann::json::parse(read_file(dir / "out" / "kvonce-payload-metadata.json"));
  }
  Error failing(const Environment& env, net::HttpTransport& transport) {
    try {
      fetch::fetch(options, env, transport);
    } catch (const Error& e) {
      return e;
    }
    FAIL("fetch did not fail");
    return Error(ErrorKind::internal, "unreachable");
  }
};

const Environment kNoEnv = environment_from({});

}  // namespace

TEST_CASE("fetch") {
  Fixture f;
  ScriptedTransport none({});
  SECTION("no source: the embedded sample, metadata beside the target") {
    const auto r = fetch::fetch(f.options, kNoEnv, none);
    CHECK(read_file(f.options.target) == std::string(payload::embedded_sample()));
    const auto m = f.metadata();
    CHECK(m["sourceType"] == "sample");
    CHECK(m["sha256"] == crypto::sha256_hex(payload::embedded_sample()));
    CHECK(m["sizeBytes"] == payload::embedded_sample().size());
    CHECK(m["attempts"] == 1);
    CHECK(r.metadata_path == f.dir / "out" / "kvonce-payload-metadata.json");
    CHECK_THAT(fetch::fetch_summary_text(r), Catch::Contains("fetched sample"));
  }
  SECTION("--file is explicit, KVONCE_OTLP_PAYLOAD is env-file") {
    write_file(f.dir / "in.json", "{\"resourceSpans\":[]}");
    f.options.file = (f.dir / "in.json").string();
    fetch::fetch(f.options, kNoEnv, none);
    CHECK(f.metadata()["sourceType"] == "explicit");
    CHECK(f.metadata()["sourceDetail"] == (f.dir / "in.json").string());
    f.options.file.reset();
    fetch::fetch(f.options,
                 environment_from({{"KVONCE_OTLP_PAYLOAD", (f.dir / "in.json").string()}}), none);
    CHECK(f.metadata()["sourceType"] == "env-file");
    CHECK(read_file(f.options.target) == "{\"resourceSpans\":[]}");
  }
  SECTION("a flag wins over the environment") {
    write_file(f.dir / "in.json", "flag");
    f.options.file = (f.dir / "in.json").string();
    fetch::fetch(f.options, environment_from({{"KVONCE_OTLP_PAYLOAD_URL", "https://h/x"}}), none);
    CHECK(f.metadata()["sourceType"] == "explicit");
    CHECK(none.requests.empty());
  }
  SECTION("--artifact-dir is artifact, naming the chosen file") {
    std::filesystem::create_directories(f.dir / "art");
    write_file(f.dir / "art" / "kvonce-otlp.json", "{}");
    f.options.artifact_dir = (f.dir / "art").string();
    fetch::fetch(f.options, kNoEnv, none);
    CHECK(f.metadata()["sourceType"] == "artifact");
    CHECK(f.metadata()["sourceDetail"] == (f.dir / "art" / "kvonce-otlp.json").string());
  }
  SECTION("--url: the signed URL is requested, only its redacted form is recorded") {
    const std::string url =
        "https://bucket.s3.amazonaws.com/p.json.gz?X-Amz-Date=1&"
        "X-Amz-Signature=f00dbabe&X-Amz-Credential=AKIAEXAMPLE";
    f.options.url = url;
    ScriptedTransport t({ok({"\x1f\x8b gz"}, {{"content-encoding", "gzip"}})});
    const auto r = fetch::fetch(f.options, kNoEnv, t);
    REQUIRE(t.requests.size() == 1);
    CHECK(t.requests[0].url == url);
    CHECK(t.requests[0].follow_redirects);
    const auto m = f.metadata();
    CHECK(m["sourceType"] == "url");
    CHECK(m["sourceDetail"] == "https://bucket.s3.amazonaws.com/p.json.gz?X-Amz-Date=1");
    CHECK(m["contentEncoding"] == "gzip");
    const std::string all = read_file(r.metadata_path) + fetch::fetch_summary_text(r);
    CHECK_THAT(all, !Catch::Contains("f00dbabe") && !Catch::Contains("AKIAEXAMPLE"));
  }
  SECTION("KVONCE_OTLP_PAYLOAD_URL; retries and timeout from the options") {
    f.options.retries = 1;
    f.options.timeout_seconds = 2.5;
    ScriptedTransport t({status(500), status(500)});
    const Error e =
        f.failing(environment_from({{"KVONCE_OTLP_PAYLOAD_URL", "http://127.0.0.1:9/p"}}), t);
    CHECK(e.kind() == ErrorKind::fetch);
    CHECK(t.requests.size() == 2);
    CHECK(t.requests[0].timeout_ms == 2500);
    CHECK(f.dir.files().empty());
  }
  SECTION("outbound policy: plain http beyond loopback and unlisted hosts are refused") {
    f.options.url = "http://example.com/p.json";
    CHECK(f.failing(kNoEnv, none).kind() == ErrorKind::usage);
    f.options.url = "https://example.com/p.json";
    const Error e = f.failing(environment_from({{"KVONCE_ALLOWED_HOSTS", "example.org"}}), none);
    CHECK(e.kind() == ErrorKind::usage);
    CHECK_THAT(e.what(), Catch::Contains("KVONCE_ALLOWED_HOSTS"));
    f.options.url = "https://user:pw@example.com/p.json";
    CHECK_THAT(f.failing(kNoEnv, none).what(), !Catch::Contains("pw@"));
    CHECK(none.requests.empty());
    CHECK(f.dir.files().empty());
  }
  SECTION("--allow-http permits plain http to any host") {
    f.options.url = "http://example.com/p.json";
    f.options.allow_http = true;
    ScriptedTransport t({ok({"x"})});
    fetch::fetch(f.options, kNoEnv, t);
    CHECK(t.requests.at(0).allow_plain_http);
  }
  SECTION("usage errors") {
    f.options.file = "a";
    f.options.url = "https://h/x";
    CHECK_THAT(f.failing(kNoEnv, none).what(), Catch::Contains("--file, --url"));
    f.options.url.reset();
    f.options.date = "2025-10-09";
    CHECK(f.failing(kNoEnv, none).kind() == ErrorKind::usage);
    f.options.date.reset();
    f.options.run_id = "5";
    CHECK(f.failing(kNoEnv, none).kind() == ErrorKind::usage);
    f.options.run_id.reset();
    f.options.target = "-";
    CHECK(f.failing(kNoEnv, none).kind() == ErrorKind::usage);
  }
  SECTION("--metadata elsewhere; a failed fetch writes no metadata") {
    f.options.metadata = f.dir / "meta" / "m.json";
    fetch::fetch(f.options, kNoEnv, none);
    CHECK(nlohmann::json::parse(read_file(f.dir / "meta" / "m.json"))["sourceType"] == "sample");
    std::filesystem::remove_all(f.dir / "meta");
    std::filesystem::remove_all(f.dir / "out");
    f.options.max_bytes = 10;
    CHECK(f.failing(kNoEnv, none).kind() == ErrorKind::limit);
    CHECK(f.dir.files().empty());
  }
}

// The object-store table and what every backend shares: schemes, source types, credentials
// resolved once per store.
#include <atomic>

#include <catch2/catch.hpp>

#include "kvonce/cloud/object_store.hpp"
#include "kvonce/fetch/metadata.hpp"
#include "kvonce/util/error.hpp"

#include "cloud_fake_transport.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::cloud;
using kvonce::test::FakeTransport;
using kvonce::test::respond;

TEST_CASE("store_backends: one row per store, found by scheme in any case") {
  REQUIRE(store_backends().size() == 2);
  CHECK(backend_for_uri("s3://bkt/key")->source_type == "s3");
  CHECK(backend_for_uri("S3://bkt/key")->source_type == "s3");
  CHECK(backend_for_uri("gs://bkt/o")->source_type == "gcs");
  CHECK(backend_for_uri("GS://bkt/o")->scheme == "gs");
  CHECK(backend_for_uri("https://example.com/x") == nullptr);
  CHECK(backend_for_uri("s3:/bkt") == nullptr);
  CHECK(backend_for_source_type("gcs")->scheme == "gs");
  CHECK(backend_for_source_type("url") == nullptr);
  CHECK(parse_store_uri("S3://bkt/a/b.json").str() == "s3://bkt/a/b.json");
  CHECK_THROWS_AS(parse_store_uri("ftp://bkt/a"), Error);
}

TEST_CASE("source types: the fixed ones and every store's, in one list") {
  const auto types = fetch::source_types();
  for (const StoreBackend& b : store_backends()) {
    CHECK(fetch::is_source_type(b.source_type));
  }
  CHECK(types.front() == "explicit");
  CHECK(types.back() == "sample");
  CHECK(fetch::is_source_type("url"));
  CHECK_FALSE(fetch::is_source_type("ftp"));
}

TEST_CASE("a store resolves its credentials once for many objects") {
  test::TempDir dir;
  // Web identity: every resolution is one STS call, so the count of STS calls is the count of
  // resolutions.
  test::write_file(dir / "token", "oidc-token");
  const Environment env =
      environment_from({{"AWS_ROLE_ARN", "arn:aws:iam::1:role/r"},
                        {"AWS_WEB_IDENTITY_TOKEN_FILE", (dir / "token").string()},
                        {"AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9000"},
                        {"AWS_ENDPOINT_URL_STS", "http://127.0.0.1:9001"},
                        {"AWS_REGION", "eu-west-3"}});
  std::atomic<int> sts{0};
  FakeTransport fake([&](const net::HttpRequest& r) {
    if (r.url.find("127.0.0.1:9001") != std::string::npos) {
      ++sts;
      return respond(200, R"(<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult>
<Credentials><AccessKeyId>ASIA1</AccessKeyId><SecretAccessKey>s</SecretAccessKey>
<SessionToken>t</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>)");
    }
    return respond(200, "{}");
  });
  const auto store = backend_for_uri("s3://")->open(env, {}, test::quick_policy());
  for (const char* name : {"a.json", "b.json", "c.json"}) {
    store->get(parse_store_uri(std::string("s3://bkt/") + name), fake, dir / name);
  }
  CHECK(sts == 1);
  CHECK(fake.requests.size() == 4);
}

// S3 endpoint, addressing style and region from options and the environment.
#include <catch2/catch.hpp>

#include "kvonce/cloud/s3_address.hpp"
#include "kvonce/util/error.hpp"

using namespace kvonce;
using namespace kvonce::cloud;

TEST_CASE("resolve_s3_address") {
  StoreSettings options;
  SECTION("AWS default: virtual-hosted, regional endpoint, us-east-1") {
    const auto a = resolve_s3_address(options, environment_from({}), "my-bucket");
    CHECK(a.scheme == "https");
    CHECK(a.host == "my-bucket.s3.us-east-1.amazonaws.com");
    CHECK(a.base_path.empty());
    CHECK(a.region == "us-east-1");
    CHECK(a.url("/k%3D1", "list-type=2") ==
          "https://my-bucket.s3.us-east-1.amazonaws.com/k%3D1?list-type=2");
  }
  SECTION("region order: option, KVONCE_OTLP_S3_REGION, AWS_REGION, AWS_DEFAULT_REGION") {
    std::map<std::string, std::string> vars{{"AWS_DEFAULT_REGION", "ap-south-1"}};
    CHECK(resolve_s3_address(options, environment_from(vars), "b1b").region == "ap-south-1");
    vars["AWS_REGION"] = "eu-west-1";
    CHECK(resolve_s3_address(options, environment_from(vars), "b1b").region == "eu-west-1");
    vars["KVONCE_OTLP_S3_REGION"] = "eu-central-1";
    const auto a = resolve_s3_address(options, environment_from(vars), "b1b");
    CHECK(a.region == "eu-central-1");
    CHECK(a.host == "b1b.s3.eu-central-1.amazonaws.com");
    options.region = "us-west-2";
    CHECK(resolve_s3_address(options, environment_from(vars), "b1b").region == "us-west-2");
  }
  SECTION(
      "endpoint order: option, KVONCE_OTLP_S3_ENDPOINT, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL") {
    std::map<std::string, std::string> vars{{"AWS_ENDPOINT_URL", "https://generic.example"}};
    CHECK(resolve_s3_address(options, environment_from(vars), "bkt").host == "bkt.generic.example");
    vars["AWS_ENDPOINT_URL_S3"] = "https://s3.example";
    CHECK(resolve_s3_address(options, environment_from(vars), "bkt").host == "bkt.s3.example");
    vars["KVONCE_OTLP_S3_ENDPOINT"] = "https://minio.example:9000";
    CHECK(resolve_s3_address(options, environment_from(vars), "bkt").host ==
          "bkt.minio.example:9000");
    options.endpoint = "https://opt.example";
    CHECK(resolve_s3_address(options, environment_from(vars), "bkt").host == "bkt.opt.example");
  }
  SECTION("path-style when forced, for IP and localhost endpoints, and odd bucket names") {
    options.endpoint = "http://127.0.0.1:9000";
    auto a = resolve_s3_address(options, environment_from({}), "bkt");
    CHECK(a.path_style);
    CHECK(a.host == "127.0.0.1:9000");
    CHECK(a.url("/k", "") == "http://127.0.0.1:9000/bkt/k");

    options.endpoint = "https://s3.example";
    CHECK_FALSE(resolve_s3_address(options, environment_from({}), "bkt").path_style);
    CHECK(resolve_s3_address(options, environment_from({}), "Upper_Case").path_style);
    CHECK(resolve_s3_address(options, environment_from({}), "dotted.bucket").path_style);
    CHECK(resolve_s3_address(options,
                             environment_from({{"KVONCE_OTLP_S3_FORCE_PATH_STYLE", "true"}}), "bkt")
              .path_style);
    options.force_path_style = false;
    CHECK_FALSE(resolve_s3_address(
                    options, environment_from({{"KVONCE_OTLP_S3_FORCE_PATH_STYLE", "true"}}), "bkt")
                    .path_style);
  }
  SECTION("a virtual host under a loopback name, as the tests resolve it") {
    options.endpoint = "http://s3.localhost:4567";
    const auto a = resolve_s3_address(options, environment_from({}), "bkt");
    CHECK_FALSE(a.path_style);
    CHECK(a.host == "bkt.s3.localhost:4567");
  }
  SECTION("default ports are left out of the Host, as HTTP clients send it") {
    options.endpoint = "https://s3.example:443";
    CHECK(resolve_s3_address(options, environment_from({}), "bkt").host == "bkt.s3.example");
  }
  SECTION("scheme-less endpoints take KVONCE_OTLP_S3_USE_SSL") {
    options.endpoint = "minio.internal:9000";
    CHECK(resolve_s3_address(options, environment_from({}), "bkt").scheme == "https");
    CHECK(
        resolve_s3_address(options, environment_from({{"KVONCE_OTLP_S3_USE_SSL", "false"}}), "bkt")
            .scheme == "http");
  }
  SECTION("malformed settings are usage errors") {
    CHECK_THROWS_AS(
        resolve_s3_address(options, environment_from({{"KVONCE_OTLP_S3_USE_SSL", "maybe"}}), "b"),
        Error);
    options.endpoint = "https://user:pw@s3.example";
    try {
      resolve_s3_address(options, environment_from({}), "bkt");
      FAIL("userinfo accepted");
    } catch (const Error& e) {
      CHECK(e.kind() == ErrorKind::usage);
      CHECK(std::string(e.what()).find("pw") == std::string::npos);
    }
    options.endpoint = "https://s3.example/base";
    CHECK_THROWS_AS(resolve_s3_address(options, environment_from({}), "bkt"), Error);
  }
}

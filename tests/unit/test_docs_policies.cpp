// docs/policies: the lifecycle examples the governance document tells operators to apply must
// keep deleting raw payloads under kvonce-trace/ within 30 days.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/test_support.hpp"

using namespace kvonce::test;
using nlohmann::json;

namespace {

const std::string kPolicies = std::string(KVONCE_SOURCE_DIR) + "/docs/policies/";
const std::string kPrefix = "kvonce-trace/";

json example(const std::string& name) {
  return json::parse(read_file(kPolicies + "examples/" + name));
}

}  // namespace

TEST_CASE("docs/policies/examples/s3-lifecycle.json expires raw payloads after 30 days") {
  const json config = example("s3-lifecycle.json");
  REQUIRE(config.at("Rules").is_array());
  bool expires = false;
  for (const json& rule : config.at("Rules")) {
    CHECK(rule.at("Status") == "Enabled");
    CHECK(rule.at("Filter").at("Prefix") == kPrefix);
    if (rule.contains("Expiration")) {
      CHECK(rule.at("Expiration").at("Days") == 30);
      expires = true;
    }
    if (rule.contains("NoncurrentVersionExpiration")) {
      CHECK(rule.at("NoncurrentVersionExpiration").at("NoncurrentDays").get<int>() <= 1);
    }
  }
  CHECK(expires);
}

TEST_CASE("docs/policies/examples/gcs-lifecycle.json deletes raw payloads at age 30 days") {
  const json config = example("gcs-lifecycle.json");
  REQUIRE(config.at("rule").is_array());
  bool deletes_live = false;
  for (const json& rule : config.at("rule")) {
    CHECK(rule.at("action").at("type") == "Delete");
    const json& condition = rule.at("condition");
    CHECK(condition.at("matchesPrefix") == json::array({kPrefix}));
    if (condition.contains("age")) {
      CHECK(condition.at("age") == 30);
      CHECK_FALSE(condition.contains("isLive"));  // must apply to the live objects
      deletes_live = true;
    } else {
      CHECK(condition.at("daysSinceNoncurrentTime").get<int>() <= 1);
    }
  }
  CHECK(deletes_live);
}

TEST_CASE("docs/policies/trace-governance.md points at the examples and the masking options") {
  const std::string doc = read_file(kPolicies + "trace-governance.md");
  for (const char* needle : {"examples/s3-lifecycle.json", "examples/gcs-lifecycle.json",
                             "SHA256(attributes[\"kvonce.event.value\"])", "--mask-values",
                             "--mask-attr", "--mask-key-env"}) {
    CAPTURE(needle);
    CHECK(doc.find(needle) != std::string::npos);
  }
}

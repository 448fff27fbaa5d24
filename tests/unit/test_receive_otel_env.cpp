// The environment `receive` gives its command: the traces endpoint of the protocol asked for,
// the generic endpoint left alone, a replaced endpoint noted, the token as a header.
#include <catch2/catch.hpp>

#include "kvonce/receive/otel_env.hpp"
#include "kvonce/util/error.hpp"

using namespace kvonce;
using namespace kvonce::receive;

namespace {

const BoundListeners kBoth{"127.0.0.1", 43180, "127.0.0.1", 43170};

std::optional<std::string> variable(const CommandEnvironment& c, const std::string& name) {
  for (const auto& [n, v] : c.variables) {
    if (n == name) return v;
  }
  return std::nullopt;
}

}  // namespace

TEST_CASE("receive environment: no protocol asked for is OTLP/HTTP protobuf on /v1/traces") {
  const CommandEnvironment c = command_environment(environment_from({}), kBoth, std::nullopt);
  CHECK(c.protocol == "http/protobuf");
  CHECK(c.endpoint == "http://127.0.0.1:43180/v1/traces");
  CHECK(variable(c, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == c.endpoint);
  CHECK_FALSE(variable(c, "OTEL_EXPORTER_OTLP_ENDPOINT"));
  CHECK_FALSE(variable(c, "OTEL_EXPORTER_OTLP_TRACES_HEADERS"));
  CHECK(c.notes.empty());
}

TEST_CASE("receive environment: the traces protocol wins over the generic one") {
  const auto grpc =
      command_environment(environment_from({{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"},
                                            {"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}}),
                          kBoth, std::nullopt);
  CHECK(grpc.endpoint == "http://127.0.0.1:43170");
  const auto json = command_environment(
      environment_from({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http/json"}}), kBoth, std::nullopt);
  CHECK(json.protocol == "http/json");
  CHECK(json.endpoint == "http://127.0.0.1:43180/v1/traces");
  const auto generic_grpc = command_environment(
      environment_from({{"OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"}}), kBoth, std::nullopt);
  CHECK(generic_grpc.endpoint == "http://127.0.0.1:43170");
}

TEST_CASE("receive environment: a traces endpoint already set is replaced and noted") {
  const auto c = command_environment(
      environment_from({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://collector:4318/v1/traces"},
                        {"OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector:4318"}}),
      kBoth, std::nullopt);
  CHECK(variable(c, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") == "http://127.0.0.1:43180/v1/traces");
  CHECK_FALSE(variable(c, "OTEL_EXPORTER_OTLP_ENDPOINT"));  // logs and metrics stay where they go
  REQUIRE(c.notes.size() == 1);
  CHECK_THAT(c.notes[0], Catch::Contains("https://collector:4318/v1/traces") &&
                             Catch::Contains("http://127.0.0.1:43180/v1/traces"));
}

TEST_CASE("receive environment: the token is an Authorization header, other headers kept") {
  const auto c = command_environment(
      environment_from(
          {{"OTEL_EXPORTER_OTLP_TRACES_HEADERS", "x-tenant=a, Authorization=Basic%20old ,x-b=c"}}),
      kBoth, std::string("s3cr,t=1"));
  CHECK(variable(c, "OTEL_EXPORTER_OTLP_TRACES_HEADERS") ==
        "x-tenant=a,x-b=c,Authorization=Bearer%20s3cr%2Ct%3D1");
  const auto alone = command_environment(environment_from({}), kBoth, std::string("tok"));
  CHECK(variable(alone, "OTEL_EXPORTER_OTLP_TRACES_HEADERS") == "Authorization=Bearer%20tok");
}

TEST_CASE("receive environment: a protocol without its listener, or unknown, is a usage error") {
  const BoundListeners http_only{"127.0.0.1", 43180, "127.0.0.1", 0};
  CHECK_THROWS_WITH(
      command_environment(environment_from({{"OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc"}}),
                          http_only, std::nullopt),
      Catch::Contains("--grpc-listen none"));
  const BoundListeners grpc_only{"127.0.0.1", 0, "127.0.0.1", 43170};
  CHECK_THROWS_WITH(command_environment(environment_from({}), grpc_only, std::nullopt),
                    Catch::Contains("--listen none"));
  CHECK_THROWS_WITH(command_environment(environment_from({{"OTEL_EXPORTER_OTLP_PROTOCOL", "http"}}),
                                        kBoth, std::nullopt),
                    Catch::Contains("expected grpc, http/protobuf or http/json"));
}

TEST_CASE("receive environment: a wildcard listener is reached on loopback, IPv6 in brackets") {
  CHECK(reachable_host("0.0.0.0") == "127.0.0.1");
  CHECK(reachable_host("::") == "[::1]");
  CHECK(reachable_host("::1") == "[::1]");
  CHECK(reachable_host("10.1.2.3") == "10.1.2.3");
  const auto c =
      command_environment(environment_from({}), {"0.0.0.0", 4318, "::", 4317}, std::nullopt);
  CHECK(c.endpoint == "http://127.0.0.1:4318/v1/traces");
}

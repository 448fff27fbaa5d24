// The receive step's pieces that need no listener: when the drain after COMMAND's exit may end,
// and how the listeners are named in the log and the payload metadata.
#include <catch2/catch.hpp>

#include "kvonce/steps/receive.hpp"

using namespace kvonce;
using std::chrono::milliseconds;

TEST_CASE("receive drain: ends once nothing is read and no connection is open, or all are quiet") {
  receive::Counters c;
  c.requests = 4;
  CHECK(steps::drain_done(c, 4, milliseconds(0)));  // every connection closed
  c.open_connections = 2;
  CHECK_FALSE(steps::drain_done(c, 4, milliseconds(100)));  // an exporter may still send
  CHECK(steps::drain_done(c, 4, milliseconds(200)));        // a process left behind, idle
  c.busy_connections = 1;
  CHECK_FALSE(steps::drain_done(c, 4, milliseconds(5000)));  // a request being read
  c.busy_connections = 0;
  CHECK_FALSE(steps::drain_done(c, 3, milliseconds(5000)));  // a request answered since
}

TEST_CASE("receive listeners: named as a client reaches them, only those on") {
  receive::ServerOptions o;
  o.http.host = "0.0.0.0";
  CHECK(steps::describe_listeners(o, 4318, 4317) ==
        "OTLP/HTTP http://127.0.0.1:4318/v1/traces, OTLP/gRPC http://127.0.0.1:4317");
  CHECK(steps::describe_listeners(o, 0, 4317) == "OTLP/gRPC http://127.0.0.1:4317");
  o.http.host = "::1";
  CHECK(steps::describe_listeners(o, 9000, 0) == "OTLP/HTTP http://[::1]:9000/v1/traces");
}

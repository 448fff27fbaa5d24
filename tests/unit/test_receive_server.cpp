// The listeners on real sockets (127.0.0.1, free ports): OTLP/HTTP over HTTP/1.1 with keep-alive,
// OTLP/gRPC over h2c through libcurl, and hostile senders (lying or oversized Content-Length, gzip
// bombs, malformed bodies, senders that stop mid-body or never speak, wrong tokens, hundreds of
// idle connections) while honest senders keep being served.
#include <chrono>
#include <thread>

#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/payload/framing.hpp"
#include "kvonce/receive/server.hpp"

#include "support/proto_writer.hpp"
#include "support/test_support.hpp"

using namespace kvonce;
using namespace kvonce::test;
using namespace kvonce::receive;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr unsigned long long T0 = 1760000000000000000ULL;

std::string request_pb(int n, int first_id = 1) {
  std::string spans;
  for (int i = 0; i < n; ++i) {
    std::string trace(16, '\0'), span(8, '\0');
    trace.back() = static_cast<char>(first_id + i);
    span.back() = static_cast<char>(first_id + i);
    spans += pb::len(
        2, pb::len(1, trace) + pb::len(2, span) +
               pb::fixed64(7, T0 + static_cast<unsigned>(first_id + i)) +
               pb::span_attr(pb::str_attr("kvonce.event.type", "success")) +
               pb::span_attr(pb::str_attr("kvonce.event.key", "k" + std::to_string(first_id + i))));
  }
  return pb::resource_spans("", spans);
}

// A blocking client socket with a receive timeout, for writing raw HTTP/1.1.
class Client {
 public:
  explicit Client(std::uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  }
  ~Client() {
    if (fd_ >= 0) ::close(fd_);
  }
  Client(Client&& o) noexcept : fd_(o.fd_) { o.fd_ = -1; }
  Client(const Client&) = delete;

  void send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return;  // the server closed: the answer tells why
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
  }
  // Reads one response (headers, then Content-Length bytes); "" when the connection closed first.
  std::string response(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const auto end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        std::size_t length = 0;
        const auto cl = buffer_.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) length = std::stoul(buffer_.substr(cl + 16));
        if (buffer_.size() >= end + 4 + length) {
          std::string out = buffer_.substr(0, end + 4 + length);
          buffer_.erase(0, end + 4 + length);
          return out;
        }
      }
      if (!fill(deadline)) return {};
    }
  }
  // Whether the server closes the connection before `timeout` (reading and dropping bytes).
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (fill(deadline)) {
    }
    return Clock::now() < deadline;
  }

 private:
  bool fill(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left <= 0ms) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return false;
    buffer_.append(buf, static_cast<std::size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
};

std::string post(const std::string& body, const std::string& extra = "",
                 const std::string& type = "application/x-protobuf") {
  return "POST /v1/traces HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + type +
         "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra + "\r\n" + body;
}

int status_of(const std::string& response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

struct Running {
  TempDir dir;
  Capture capture{dir / "capture.bin"};
  std::optional<Server> server;
  explicit Running(ServerOptions options = quick()) {
    options.http.port = 0;
    options.grpc.port = 0;
    server.emplace(options, capture);
    server->start();
  }
  static ServerOptions quick() {
    ServerOptions o;
    o.limits.idle_timeout = 300ms;
    return o;
  }
  std::uint16_t http() const { return server->http_port(); }
  std::uint16_t grpc() const { return server->grpc_port(); }
};

// One OTLP/gRPC call over h2c with libcurl: the HTTP status, grpc-status and the body.
struct GrpcResult {
  long http = 0;
  std::string grpc_status = "<none>", grpc_message;
  std::string body;
  CURLcode code = CURLE_OK;
};

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

GrpcResult grpc_call(std::uint16_t port, const std::string& message, bool gzip = false,
                     const std::string& token = "") {
  GrpcResult r;
  CURL* curl = curl_easy_init();
  REQUIRE(curl);
  const std::string url = "http://127.0.0.1:" + std::to_string(port) +
                          "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
  const std::string body = payload::frame_grpc(gzip ? io::gzip_compress(message) : message, gzip);
  curl_slist* headers = nullptr;
  headers = curl_slist_append(headers, "Content-Type: application/grpc");
  headers = curl_slist_append(headers, "TE: trailers");
  if (gzip) headers = curl_slist_append(headers, "grpc-encoding: gzip");
  const std::string auth = "Authorization: Bearer " + token;
  if (!token.empty()) headers = curl_slist_append(headers, auth.c_str());
  std::string head;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &collect);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &head);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
  r.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.http);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  // Headers and trailers both reach the header callback.
  const auto value = [&](const std::string& name) -> std::optional<std::string> {
    const auto at = head.find(name + ": ");
    if (at == std::string::npos) return std::nullopt;
    const auto start = at + name.size() + 2;
    return head.substr(start, head.find("\r\n", start) - start);
  };
  if (auto s = value("grpc-status")) r.grpc_status = *s;
  if (auto m = value("grpc-message")) r.grpc_message = *m;
  return r;
}

}  // namespace

TEST_CASE("receive server: two OTLP/HTTP requests on one keep-alive connection", "[receive]") {
  Running run;
  REQUIRE(run.http() != 0);
  Client c(run.http());
  c.send(post(request_pb(2)));
  const std::string first = c.response();
  CHECK(status_of(first) == 200);
  CHECK_THAT(first, Catch::Contains("Content-Type: application/x-protobuf"));
  c.send(post(otlp_doc({kv_span(T0, "success", "j")}), "", "application/json"));
  const std::string second = c.response();
  CHECK(status_of(second) == 200);
  CHECK_THAT(second, Catch::EndsWith("{}"));
  // Pipelined: both requests written before either answer is read.
  c.send(post(request_pb(1, 10)) + post(request_pb(1, 11)));
  CHECK(status_of(c.response()) == 200);
  CHECK(status_of(c.response()) == 200);
  const Counters counters = run.server->counters();
  CHECK(counters.accepted_requests == 4);
  CHECK(counters.spans == 5);
  CHECK(counters.open_connections == 1);
  CHECK(run.capture.records() == 4);
}

TEST_CASE("receive server: Expect: 100-continue is answered before the body", "[receive]") {
  Running run;
  Client c(run.http());
  const std::string body = request_pb(1);
  c.send(
      "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
      "Expect: 100-continue\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n");
  CHECK(status_of(c.response(1000ms)) == 100);
  c.send(body);
  CHECK(status_of(c.response(1000ms)) == 200);
  CHECK(run.capture.records() == 1);
}

TEST_CASE("receive server: OTLP/gRPC over h2c, plain and gzip", "[receive]") {
  ServerOptions o = Running::quick();
  o.token = "tok";
  Running run(o);
  REQUIRE(run.grpc() != 0);
  const GrpcResult plain = grpc_call(run.grpc(), request_pb(2), false, "tok");
  CHECK(plain.code == CURLE_OK);
  CHECK(plain.http == 200);
  CHECK(plain.grpc_status == "0");
  CHECK(plain.body == std::string(5, '\0'));
  const GrpcResult gz = grpc_call(run.grpc(), request_pb(3, 20), true, "tok");
  CHECK(gz.grpc_status == "0");
  const GrpcResult bad = grpc_call(run.grpc(), "\x0a\xff\xff\xff\x0f", false, "tok");
  CHECK(bad.grpc_status == "3");
  CHECK_FALSE(bad.grpc_message.empty());
  CHECK(grpc_call(run.grpc(), request_pb(1), false, "wrong").grpc_status == "16");
  CHECK(run.server->counters().spans == 5);
  CHECK(run.capture.records() == 2);
}

TEST_CASE("receive server: oversized, lying and malformed requests get their answers",
          "[receive]") {
  ServerOptions o = Running::quick();
  o.limits.max_request_bytes = 4096;
  o.limits.read.max_decompressed_bytes = 64 * 1024;
  Running run(o);
  {  // Content-Length over the limit: 413 from the header, the body never read.
    Client c(run.http());
    c.send(
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        "Content-Length: 1000000000\r\n\r\n");
    CHECK(status_of(c.response()) == 413);
    CHECK(c.closed_within(1000ms));
  }
  {  // The same with the body sent anyway: the answer still arrives, no reset loses it.
    Client c(run.http());
    c.send(
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        "Content-Length: 200000\r\n\r\n" +
        std::string(200000, 'x'));
    CHECK(status_of(c.response()) == 413);
    CHECK(c.closed_within(1000ms));
  }
  {  // A chunked body that grows past the limit.
    Client c(run.http());
    c.send(
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        "Transfer-Encoding: chunked\r\n\r\n");
    const std::string chunk = "1000\r\n" + std::string(4096, 'x') + "\r\n";
    c.send(chunk + chunk);
    CHECK(status_of(c.response()) == 413);
  }
  {  // A gzip bomb: small on the wire, over the decompressed limit.
    Client c(run.http());
    c.send(post(io::gzip_compress(std::string(8u << 20, '\0'), 9), "Content-Encoding: gzip\r\n"));
    CHECK(status_of(c.response()) == 413);
  }
  {  // Malformed protobuf: 400, and the connection serves the next request.
    Client c(run.http());
    c.send(post("\x0a\xff\xff\xff\x0f"));
    CHECK(status_of(c.response()) == 400);
    c.send(post(request_pb(1)));
    CHECK(status_of(c.response()) == 200);
  }
  {  // Content-Length shorter than the body: the rest is no HTTP request.
    Client c(run.http());
    const std::string body = request_pb(1, 30);
    c.send(
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        "Content-Length: 3\r\n\r\n" +
        body);
    CHECK(status_of(c.response()) == 400);  // three bytes of a message
    CHECK(status_of(c.response()) == 400);  // the rest: a malformed request line
    CHECK(c.closed_within(1000ms));
  }
  {  // Not HTTP at all.
    Client c(run.http());
    c.send("\x16\x03\x01\x02\x00 hello\r\n\r\n");
    CHECK(status_of(c.response()) == 400);
  }
  {  // A wrong path, a wrong token is not needed here: 404.
    Client c(run.http());
    c.send("POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    CHECK(status_of(c.response()) == 404);
  }
  const GrpcResult big = grpc_call(run.grpc(), std::string(5000, 'x'));
  INFO(curl_easy_strerror(big.code) << " " << big.http);
  CHECK(big.grpc_status == "8");
  // Through all of it the honest sender is served.
  Client honest(run.http());
  honest.send(post(request_pb(1, 40)));
  CHECK(status_of(honest.response()) == 200);
  CHECK(run.server->counters().accepted_requests == 2);
}

TEST_CASE("receive server: a sender that stops mid-body is closed after the idle timeout",
          "[receive]") {
  Running run;  // idle_timeout 300 ms
  Client stalled(run.http());
  stalled.send(
      "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
      "Content-Length: 1000\r\n\r\nabc");
  Client stalled_h2(run.grpc());
  stalled_h2.send("PRI * HTTP/2.0\r\n");  // half the client preface
  Client other(run.http());
  other.send(post(request_pb(1)));
  CHECK(status_of(other.response(1000ms)) == 200);  // not held up by the stalled ones
  const auto start = Clock::now();
  CHECK(stalled.closed_within(2000ms));
  CHECK(stalled_h2.closed_within(2000ms));
  CHECK(Clock::now() - start < 1000ms);
  CHECK(run.server->counters().busy_connections == 0);
  CHECK(run.capture.records() == 1);
}

TEST_CASE("receive server: a wrong token is 401 and the right one is served", "[receive]") {
  ServerOptions o = Running::quick();
  o.token = "right";
  Running run(o);
  Client c(run.http());
  c.send(post(request_pb(1), "Authorization: Bearer wrong\r\n"));
  const std::string refused = c.response();
  CHECK(status_of(refused) == 401);
  CHECK_THAT(refused, Catch::Contains("WWW-Authenticate: Bearer"));
  c.send(post(request_pb(1), "Authorization: Bearer right\r\n"));
  CHECK(status_of(c.response()) == 200);
}

TEST_CASE("receive server: a body being read does not hold up the other connections", "[receive]") {
  ServerOptions o = Running::quick();
  o.limits.read.max_decompressed_bytes = 256u << 20;
  Running run(o);
  // 200 MB of JSON whitespace: small on the wire, long to inflate and read.
  const std::string heavy =
      io::gzip_compress("{\"resourceSpans\":[]}" + std::string(200u << 20, ' '), 1);
  Client slow(run.http());
  const auto start = Clock::now();
  slow.send(post(heavy, "Content-Encoding: gzip\r\n", "application/json"));
  std::this_thread::sleep_for(50ms);
  Client quick(run.http());
  quick.send(post(request_pb(1)));
  CHECK(status_of(quick.response(5000ms)) == 200);
  const auto quick_done = Clock::now();
  CHECK(status_of(slow.response(10000ms)) == 200);
  const auto slow_done = Clock::now();
  INFO("quick answered after " << (quick_done - start) / 1ms << " ms, the heavy one after "
                               << (slow_done - start) / 1ms << " ms");
  CHECK((quick_done - start) * 2 < slow_done - start);
}

TEST_CASE("receive server: a request refused by its headers is answered before its body",
          "[receive]") {
  ServerOptions o = Running::quick();
  o.token = "right";
  o.limits.idle_timeout = 3000ms;
  Running run(o);
  Client c(run.http());
  c.send(
      "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
      "Authorization: Bearer wrong\r\nContent-Length: 1000000\r\n\r\n");
  CHECK(status_of(c.response(1000ms)) == 401);  // not after the idle timeout
  CHECK(c.closed_within(1000ms));
  const Counters counters = run.server->counters();
  CHECK(counters.requests == 1);
  CHECK(counters.busy_connections == 0);
}

TEST_CASE("receive server: 500 idle connections do not delay an honest sender", "[receive]") {
  ServerOptions o = Running::quick();
  o.limits.idle_timeout = 1000ms;
  Running run(o);
  std::vector<Client> idle;
  for (int i = 0; i < 250; ++i) idle.emplace_back(run.http());
  for (int i = 0; i < 250; ++i) idle.emplace_back(run.grpc());
  idle[0].send("POST /v1/traces HTTP/1.1\r\n");  // one stops inside its header
  const auto start = Clock::now();
  Client honest(run.http());
  honest.send(post(request_pb(2)));
  CHECK(status_of(honest.response(2000ms)) == 200);
  const GrpcResult g = grpc_call(run.grpc(), request_pb(1, 9));
  CHECK(g.grpc_status == "0");
  CHECK(Clock::now() - start < o.limits.idle_timeout + 1000ms);
  CHECK(run.server->counters().spans == 3);
}

TEST_CASE("receive server: over max_connections idle ones make room, busy ones get 503",
          "[receive]") {
  ServerOptions o = Running::quick();
  o.limits.max_connections = 4;
  o.limits.idle_timeout = 3000ms;
  Running run(o);
  std::vector<Client> idle;
  for (int i = 0; i < 10; ++i) idle.emplace_back(run.http());
  Client honest(run.http());
  honest.send(post(request_pb(1)));
  CHECK(status_of(honest.response(1000ms)) == 200);
  std::vector<Client> busy;
  for (int i = 0; i < 4; ++i) {
    busy.emplace_back(run.http());
    busy.back().send(
        "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
        "Content-Length: 10\r\n\r\nab");
  }
  std::this_thread::sleep_for(100ms);  // let the loop read them: now every slot is busy
  Client late(run.http());
  late.send(post(request_pb(1, 5)));
  const std::string refused = late.response(1000ms);
  CHECK(status_of(refused) == 503);
  CHECK_THAT(refused, Catch::Contains("Retry-After: 1"));
  CHECK(run.server->counters().open_connections <= 2 * o.limits.max_connections);
}

TEST_CASE("receive server: listeners off, ports in use and stop with open connections",
          "[receive]") {
  TempDir dir;
  Capture capture(dir / "c.bin");
  ServerOptions o;
  o.http.port = 0;
  o.grpc.enabled = false;
  Server first(o, capture);
  CHECK(first.grpc_port() == 0);
  ServerOptions clash = o;
  clash.http.port = first.http_port();
  CHECK_THROWS_WITH(Server(clash, capture), Catch::Contains("cannot listen for OTLP/HTTP on"));
  first.start();
  Client open(first.http_port());
  open.send("POST /v1/traces HTTP/1.1\r\n");
  std::this_thread::sleep_for(50ms);
  const auto start = Clock::now();
  first.stop();
  CHECK(Clock::now() - start < 1000ms);
  CHECK(open.closed_within(1000ms));
}

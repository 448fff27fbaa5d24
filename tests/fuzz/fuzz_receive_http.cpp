// libFuzzer target: the OTLP/HTTP request handler of `receive`. The first byte picks the request's
// content type, encoding, token and path; the rest is the body (gzip-compressed here when the
// encoding says gzip and the second bit asks for it, so mutations act on the plain body too).
// Whatever the bytes, the handler answers with a status of its table and never throws; an
// accepted body is kept in the capture, a refused one is not.
#include <set>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/receive/handler.hpp"

#include "receive_fuzz_support.hpp"

using namespace kvonce;
using namespace kvonce::receive;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned flags = data[0];
  std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
  static Capture capture(std::filesystem::path("/dev/null"));
  const ServerOptions options = fuzz::receive_options(flags);
  RequestHandler handler(options, capture);

  const bool gzip = flags & 1;
  if (gzip && (flags & 2)) body = io::gzip_compress(body, 1);
  HttpRequest request;
  request.method = (flags & 0x40) ? "GET" : "POST";
  request.path = (flags & 0x80) ? "/v1/logs" : kHttpPath;
  request.content_type = (flags & 4) ? "application/json" : "application/x-protobuf";
  if ((flags & 0x0c) == 0x08) request.content_type = "text/plain";
  request.content_encoding = gzip ? "gzip" : "";
  request.authorization = (flags & 0x20) ? "Bearer t" : "";
  request.body = body;
  const HttpResponse response = handler.http(request);

  static const std::set<int> kStatuses = {200, 400, 401, 404, 405, 413, 415, 500, 503};
  FUZZ_CHECK(kStatuses.count(response.status) == 1);
  const Counters c = handler.counters();
  FUZZ_CHECK(c.requests == 1);
  FUZZ_CHECK(c.accepted_requests == (response.status == 200 && !c.limit_reached ? 1u : 0u));
  FUZZ_CHECK(response.status != 200 || request.method == "POST");
  return 0;
}

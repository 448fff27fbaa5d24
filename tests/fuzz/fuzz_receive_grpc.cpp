// libFuzzer target: the OTLP/gRPC request handler of `receive`. The first byte picks the
// grpc-encoding, the token and whether the rest is framed here as one message (gzip-compressed
// when asked) or passed as the stream's DATA as it is, so mutations reach both the 5-byte prefix
// parse and the protobuf reader. Whatever the bytes, the handler answers with a gRPC status of
// its table and never throws; an OK answer is a framed ExportTraceServiceResponse.
#include <set>

#include "kvonce/io/gzip_source.hpp"
#include "kvonce/payload/framing.hpp"
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
  if (flags & 2) body = payload::frame_grpc(gzip ? io::gzip_compress(body, 1) : body, gzip);
  GrpcRequest request;
  request.method = "POST";
  request.path = (flags & 0x80) ? "/x.Y/Z" : kGrpcPath;
  request.content_type = (flags & 4) ? "application/grpc+proto" : "application/grpc";
  request.grpc_encoding = gzip ? "gzip" : ((flags & 8) ? "deflate" : "");
  request.authorization = (flags & 0x20) ? "Bearer t" : "";
  request.body = body;
  const GrpcResponse response = handler.grpc(request);

  static const std::set<int> kStatuses = {0, 3, 8, 12, 13, 14, 16};
  FUZZ_CHECK(response.http_status == 200);
  FUZZ_CHECK(kStatuses.count(static_cast<int>(response.status)) == 1);
  FUZZ_CHECK(response.status != GrpcStatus::ok || response.message.size() >= 5);
  FUZZ_CHECK(handler.counters().requests == 1);
  return 0;
}

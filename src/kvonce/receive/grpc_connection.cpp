// OTLP/gRPC over h2c: libnghttp2's server session on the listeners' loop (the only file that
// includes nghttp2). The session parses and frames HTTP/2; this file feeds it the socket's bytes
// (mem_recv), writes what it produces (mem_send), gathers each stream's headers and DATA and hands
// the finished request to the RequestHandler. A stream whose DATA passes max_request_bytes is
// answered RESOURCE_EXHAUSTED at once, and its remaining bytes are never kept.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/asio/write.hpp>
#include <nghttp2/nghttp2.h>

#include "kvonce/receive/connection.hpp"
#include "kvonce/receive/handler.hpp"

namespace kvonce::receive {
namespace {

using boost::system::error_code;

// Streams open at once on one connection; an exporter sends one export at a time, or a few.
constexpr std::uint32_t kMaxStreams = 32;
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;  // per stream, names and values
constexpr std::int32_t kWindow = 1 << 20;           // flow-control window, per stream
constexpr std::size_t kMaxWriteBatch = 1 << 20;     // bytes gathered for one socket write

struct Stream {
  std::string method, path, content_type, grpc_encoding, authorization;
  std::string body;
  std::size_t header_bytes = 0;
  bool answered = false;
  std::string message;  // the response message being sent
  std::size_t sent = 0;
  std::string trailer_status, trailer_message;
};

nghttp2_nv nv(const std::string& name, const std::string& value) {
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
          value.size(), NGHTTP2_NV_FLAG_NONE};
}

class GrpcConnection final : public Connection {
 public:
  using Connection::Connection;
  ~GrpcConnection() override {
    if (session_) nghttp2_session_del(session_);
  }

 private:
  void start() override {
    nghttp2_session_callbacks* callbacks = nullptr;
    if (nghttp2_session_callbacks_new(&callbacks) != 0) return close();
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, &on_header);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &on_data_chunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &on_frame_recv);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &on_stream_close);
    const int rv = nghttp2_session_server_new(&session_, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    if (rv != 0) return close();
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, kMaxStreams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, static_cast<std::uint32_t>(kWindow)},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, static_cast<std::uint32_t>(kMaxHeaderBytes)},
    };
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, kWindow * 4);
    flush();
    read();
  }

  void read() {
    socket_.async_read_some(boost::asio::buffer(in_),
                            [self = shared_from_this(), this](error_code ec, std::size_t n) {
                              if (closed()) return;
                              if (ec) return close();
                              touch();
                              const auto rv = nghttp2_session_mem_recv(
                                  session_, reinterpret_cast<const std::uint8_t*>(in_.data()), n);
                              if (rv < 0) return close();
                              set_busy(!streams_.empty());
                              flush();
                              if (!closed()) read();
                            });
  }

  void flush() {
    if (writing_ || closed()) return;
    out_.clear();
    while (out_.size() < kMaxWriteBatch) {
      const std::uint8_t* data = nullptr;
      const auto n = nghttp2_session_mem_send(session_, &data);
      if (n < 0) return close();
      if (n == 0) break;
      out_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    set_busy(!streams_.empty());  // a stream closes once its answer is queued
    if (out_.empty()) {
      if (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_)) close();
      return;
    }
    writing_ = true;
    boost::asio::async_write(socket_, boost::asio::buffer(out_),
                             [self = shared_from_this(), this](error_code ec, std::size_t) {
                               writing_ = false;
                               if (closed()) return;
                               if (ec) return close();
                               touch();
                               flush();
                             });
  }

  GrpcRequest request_of(const Stream& s) const {
    GrpcRequest request;
    request.method = s.method;
    request.path = s.path;
    request.content_type = s.content_type;
    request.grpc_encoding = s.grpc_encoding;
    request.authorization = s.authorization;
    request.body = s.body;
    request.overloaded = overloaded();
    return request;
  }

  enum class Refuse { no, over_limit, congested };

  void answer(std::int32_t id, Stream& s, Refuse refuse = Refuse::no) {
    s.answered = true;
    if (refuse != Refuse::no) {  // nothing to read: answered on the loop
      GrpcRequest request = request_of(s);
      request.over_limit = refuse == Refuse::over_limit;
      request.congested = refuse == Refuse::congested;
      const GrpcResponse response = handler_.grpc(request);
      drop_body(s);
      submit(id, s, response);
      return;
    }
    // The body is read on a worker, which owns a copy of the headers and the body itself; the
    // bytes count against the connection's limit until the answer is back.
    struct Owned {
      std::string method, path, content_type, grpc_encoding, authorization, body;
    };
    auto owned = std::make_shared<Owned>(Owned{s.method, s.path, s.content_type, s.grpc_encoding,
                                               s.authorization, std::move(s.body)});
    s.body.clear();
    const std::size_t held = owned->body.size();
    const bool is_overloaded = overloaded();
    RequestHandler& handler = handler_;
    offload(
        [owned, is_overloaded, &handler] {
          GrpcRequest request;
          request.method = owned->method;
          request.path = owned->path;
          request.content_type = owned->content_type;
          request.grpc_encoding = owned->grpc_encoding;
          request.authorization = owned->authorization;
          request.body = owned->body;
          request.overloaded = is_overloaded;
          return handler.grpc(request);
        },
        [this, id, held](GrpcResponse response) {
          buffered_ -= held;
          if (Stream* stream = find(id)) submit(id, *stream, response);
          flush();
        });
  }

  // A stream's headers are in: a call refused by them is answered before any DATA is kept.
  void headers_done(std::int32_t id, Stream& s) {
    if (std::optional<GrpcResponse> refused = handler_.grpc_headers(request_of(s))) {
      s.answered = true;
      submit(id, s, *refused);
    }
  }

  void drop_body(Stream& s) {
    buffered_ -= s.body.size();
    s.body.clear();
    s.body.shrink_to_fit();
  }

  // Answered at once; the rest of the stream's DATA is read and dropped. (RFC 9113 lets a server
  // reset such a stream with NO_ERROR after its answer, but clients such as libcurl then drop
  // the answer.)
  void answer_too_large(std::int32_t id, Stream& s, Refuse why) {
    drop_body(s);
    answer(id, s, why);
  }

  void submit(std::int32_t id, Stream& s, const GrpcResponse& response) {
    const std::string status_name = ":status", type_name = "content-type";
    const std::string status_value = std::to_string(response.http_status);
    const std::string grpc_type = "application/grpc";
    const std::string grpc_status = "grpc-status", grpc_message = "grpc-message";
    s.trailer_status = std::to_string(static_cast<int>(response.status));
    s.trailer_message = grpc_percent_encode(response.status_message);
    std::vector<nghttp2_nv> headers{nv(status_name, status_value)};
    if (response.http_status == 200) headers.push_back(nv(type_name, grpc_type));
    for (const Header& h : response.headers) headers.push_back(nv(h.name, h.value));
    if (response.http_status != 200 || response.message.empty()) {
      // Trailers-only: the status travels in the one HEADERS frame, which ends the stream.
      if (response.http_status == 200) {
        headers.push_back(nv(grpc_status, s.trailer_status));
        if (!s.trailer_message.empty()) headers.push_back(nv(grpc_message, s.trailer_message));
      }
      nghttp2_submit_response(session_, id, headers.data(), headers.size(), nullptr);
    } else {
      s.message = response.message;
      nghttp2_data_provider provider{};
      provider.read_callback = &read_message;
      nghttp2_submit_response(session_, id, headers.data(), headers.size(), &provider);
    }
    if (overloaded()) {
      nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, id, NGHTTP2_NO_ERROR, nullptr, 0);
    }
  }

  Stream* find(std::int32_t id) {
    const auto it = streams_.find(id);
    return it == streams_.end() ? nullptr : &it->second;
  }

  static GrpcConnection& self(void* user_data) { return *static_cast<GrpcConnection*>(user_data); }

  static int on_begin_headers(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      self(user_data).streams_[frame->hd.stream_id];
    }
    return 0;
  }

  static int on_header(nghttp2_session*, const nghttp2_frame* frame, const std::uint8_t* name,
                       std::size_t namelen, const std::uint8_t* value, std::size_t valuelen,
                       std::uint8_t, void* user_data) {
    Stream* s = self(user_data).find(frame->hd.stream_id);
    if (!s) return 0;
    s->header_bytes += namelen + valuelen;
    if (s->header_bytes > kMaxHeaderBytes) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const std::string_view n(reinterpret_cast<const char*>(name), namelen);
    const std::string v(reinterpret_cast<const char*>(value), valuelen);
    if (n == ":method")
      s->method = v;
    else if (n == ":path")
      s->path = v;
    else if (n == "content-type")
      s->content_type = v;
    else if (n == "grpc-encoding")
      s->grpc_encoding = v;
    else if (n == "authorization")
      s->authorization = v;
    return 0;
  }

  static int on_data_chunk(nghttp2_session*, std::uint8_t, std::int32_t id,
                           const std::uint8_t* data, std::size_t len, void* user_data) {
    GrpcConnection& c = self(user_data);
    Stream* s = c.find(id);
    if (!s || s->answered) return 0;
    // One request over the limit is refused for good; several together over it on one
    // connection (concurrent calls) are asked to come again, so that one connection never holds
    // more than the limit.
    const std::uint64_t limit = c.handler_.limits().max_request_bytes + 5;
    if (s->body.size() + len > limit) {
      c.answer_too_large(id, *s, Refuse::over_limit);
    } else if (c.buffered_ + len > limit) {
      c.answer_too_large(id, *s, Refuse::congested);
    } else {
      s->body.append(reinterpret_cast<const char*>(data), len);
      c.buffered_ += len;
    }
    return 0;
  }

  static int on_frame_recv(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
      GrpcConnection& c = self(user_data);
      Stream* s = c.find(frame->hd.stream_id);
      if (s && !s->answered) c.headers_done(frame->hd.stream_id, *s);
    }
    if ((frame->hd.type != NGHTTP2_DATA && frame->hd.type != NGHTTP2_HEADERS) ||
        !(frame->hd.flags & NGHTTP2_FLAG_END_STREAM)) {
      return 0;
    }
    GrpcConnection& c = self(user_data);
    Stream* s = c.find(frame->hd.stream_id);
    if (s && !s->answered) c.answer(frame->hd.stream_id, *s);
    return 0;
  }

  static int on_stream_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* user_data) {
    GrpcConnection& c = self(user_data);
    if (Stream* s = c.find(id)) c.drop_body(*s);
    c.streams_.erase(id);
    return 0;
  }

  static ssize_t read_message(nghttp2_session* session, std::int32_t id, std::uint8_t* buf,
                              std::size_t length, std::uint32_t* flags, nghttp2_data_source*,
                              void* user_data) {
    GrpcConnection& c = self(user_data);
    Stream* s = c.find(id);
    if (!s) return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;
    const std::size_t n = std::min(length, s->message.size() - s->sent);
    std::copy_n(s->message.data() + s->sent, n, buf);
    s->sent += n;
    if (s->sent == s->message.size()) {
      *flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
      const std::string status_name = "grpc-status", message_name = "grpc-message";
      std::vector<nghttp2_nv> trailers{nv(status_name, s->trailer_status)};
      if (!s->trailer_message.empty()) trailers.push_back(nv(message_name, s->trailer_message));
      nghttp2_submit_trailer(session, id, trailers.data(), trailers.size());
    }
    return static_cast<ssize_t>(n);
  }

  nghttp2_session* session_ = nullptr;
  std::array<char, 64 * 1024> in_{};
  std::string out_;
  bool writing_ = false;
  std::uint64_t buffered_ = 0;  // DATA kept of unanswered streams, all together
  std::map<std::int32_t, Stream> streams_;
};

}  // namespace

std::shared_ptr<Connection> make_grpc_connection(Connection::Socket socket, RequestHandler& handler,
                                                 Registry& registry, bool overloaded) {
  return std::make_shared<GrpcConnection>(std::move(socket), handler, registry, overloaded);
}

std::string nghttp2_runtime_version() {
  return nghttp2_version(0)->version_str;
}

}  // namespace kvonce::receive

// OTLP/HTTP over HTTP/1.1: Boost.Beast's request parser and serializer on the listeners' loop
// (the only file that includes Beast). Keep-alive and pipelined requests are served in order on
// one connection; a Content-Length over max_request_bytes is refused from the header, before the
// body is read, and a chunked body as soon as it passes the limit.
#include <array>
#include <optional>

#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http.hpp>

#include "kvonce/receive/connection.hpp"
#include "kvonce/receive/handler.hpp"

namespace kvonce::receive {
namespace {

namespace http = boost::beast::http;
using boost::system::error_code;

// Larger headers than this are no exporter's; Beast answers them as a parse error.
constexpr std::uint32_t kHeaderLimit = 64 * 1024;
// What one read of a request body may take.
constexpr std::size_t kBodyReadBytes = 64 * 1024;

std::string_view field(const http::fields& fields, http::field name) {
  const auto it = fields.find(name);
  return it == fields.end() ? std::string_view{}
                            : std::string_view(it->value().data(), it->value().size());
}

// A request's method, path and headers as the handler reads them (views into these strings and
// the parser's fields).
struct Fields {
  explicit Fields(const http::request<http::dynamic_body>& request)
      : method(request.method_string()), target(request.target()), header(request) {}
  HttpRequest request(bool overloaded) const {
    HttpRequest in;
    in.method = method;
    in.path = std::string_view(target).substr(0, target.find('?'));
    in.content_type = field(header, http::field::content_type);
    in.content_encoding = field(header, http::field::content_encoding);
    in.authorization = field(header, http::field::authorization);
    in.overloaded = overloaded;
    return in;
  }
  std::string method, target;
  const http::fields& header;
};

class HttpConnection final : public Connection {
 public:
  using Connection::Connection;

 private:
  // dynamic_body grows with the bytes received, never reserving what Content-Length announces.
  using Parser = http::request_parser<http::dynamic_body>;

  void start() override { next_request(); }

  void next_request() {
    buffer_.shrink_to_fit();  // between requests a connection holds only what was sent ahead
    continued_ = false;
    checked_headers_ = false;
    parser_.emplace();
    parser_->body_limit(handler_.limits().max_request_bytes);
    parser_->header_limit(kHeaderLimit);
    // Parse the body bytes that came with the header at once: a small request refused by its
    // headers is then complete, and the connection can stay open for the next.
    parser_->eager(true);
    read_some();
  }

  void read_some() {
    http::async_read_some(socket_, buffer_, *parser_,
                          [self = shared_from_this(), this](error_code ec, std::size_t n) {
                            if (!closed()) on_read(ec, n);
                          });
  }

  void on_read(error_code ec, std::size_t n) {
    if (n > 0 || buffer_.size() > 0) {
      touch();
      set_busy(true);
    }
    if (ec == http::error::end_of_stream) return close();  // closed between requests
    const bool over_limit = ec == http::error::body_limit;
    if (ec && !over_limit) {
      if (&ec.category() == &http::make_error_code(http::error::bad_target).category()) {
        return answer_malformed();
      }
      return close();  // the socket failed
    }
    // A request refused by its headers is answered before its body is read.
    if (parser_->is_header_done() && !checked_headers_) {
      checked_headers_ = true;
      const Fields fields(parser_->get());
      if (std::optional<HttpResponse> refused =
              handler_.http_headers(fields.request(overloaded()))) {
        const bool keep_alive = parser_->is_done() && parser_->get().keep_alive() && !overloaded();
        return write(std::move(*refused), keep_alive);
      }
    }
    if (over_limit) return answer(true);
    if (parser_->is_done()) return answer(false);
    if (parser_->is_header_done() && !continued_ && expects_continue()) return send_continue();
    // Beast reads no more than the buffer holds, 512 bytes at first, and the body parser empties
    // it on every read: a body came in one recv per 512 bytes. Only a connection whose body is
    // coming gets the room, so idle ones stay small.
    if (parser_->is_header_done() && buffer_.capacity() < kBodyReadBytes) {
      buffer_.reserve(kBodyReadBytes);
    }
    read_some();
  }

  // A client that sends `Expect: 100-continue` (libcurl does for bodies over 1 MiB, as the C++
  // SDK's exporter sends them) waits for this before its body, or a second without it.
  bool expects_continue() const {
    const std::string_view expect = field(parser_->get(), http::field::expect);
    return boost::beast::iequals(boost::beast::string_view(expect.data(), expect.size()),
                                 "100-continue");
  }

  void send_continue() {
    continued_ = true;
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    boost::asio::async_write(socket_, boost::asio::buffer(kContinue.data(), kContinue.size()),
                             [self = shared_from_this(), this](error_code ec, std::size_t) {
                               if (closed()) return;
                               if (ec) return close();
                               read_some();
                             });
  }

  // After an answer that ends the connection while the sender may still be sending (a body over
  // the limit), the socket is shut for writing and what arrives is read and dropped until the
  // sender closes: closing at once with unread bytes would reset the connection, and the sender
  // could lose the answer before reading it. At most max_request_bytes more are read, and the
  // idle sweep closes a sender that goes quiet instead.
  void linger() {
    error_code ignored;
    socket_.shutdown(Socket::shutdown_send, ignored);
    socket_.async_read_some(boost::asio::buffer(scratch_),
                            [self = shared_from_this(), this](error_code ec, std::size_t n) {
                              if (closed()) return;
                              lingered_ += n;
                              if (ec || lingered_ > handler_.limits().max_request_bytes) {
                                return close();
                              }
                              touch();
                              linger();
                            });
  }

  void answer(bool over_limit) {
    const auto& request = parser_->get();
    // What the worker reads, owned by it: the parser is reset for the next request meanwhile.
    struct Owned {
      std::string method, target, content_type, content_encoding, authorization, body;
    };
    const Fields fields(request);
    const HttpRequest headers = fields.request(overloaded());
    auto owned = std::make_shared<Owned>(
        Owned{fields.method, fields.target, std::string(headers.content_type),
              std::string(headers.content_encoding), std::string(headers.authorization),
              over_limit ? std::string() : boost::beast::buffers_to_string(request.body().data())});
    // Over the limit, the rest of the body is never read: the connection cannot carry on.
    const bool keep_alive = request.keep_alive() && !over_limit && !overloaded();
    const bool is_overloaded = overloaded();
    RequestHandler& handler = handler_;
    offload(
        [owned, over_limit, is_overloaded, &handler] {
          HttpRequest in;
          in.method = owned->method;
          in.path = std::string_view(owned->target).substr(0, owned->target.find('?'));
          in.content_type = owned->content_type;
          in.content_encoding = owned->content_encoding;
          in.authorization = owned->authorization;
          in.body = owned->body;
          in.overloaded = is_overloaded;
          in.over_limit = over_limit;
          return handler.http(in);
        },
        [this, keep_alive](HttpResponse out) { write(std::move(out), keep_alive); });
  }

  void answer_malformed() {
    HttpResponse out;
    out.status = 400;
    out.headers.push_back({"Content-Type", "text/plain"});
    out.body = "malformed HTTP request\n";
    write(std::move(out), false);
  }

  void write(HttpResponse out, bool keep_alive) {
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(out.status));
    for (const Header& h : out.headers) response_.set(h.name, h.value);
    response_.body() = std::move(out.body);
    response_.keep_alive(keep_alive);
    response_.prepare_payload();
    http::async_write(socket_, response_,
                      [self = shared_from_this(), this, keep_alive](error_code ec, std::size_t) {
                        if (closed()) return;
                        touch();
                        set_busy(false);
                        if (ec) return close();
                        if (!keep_alive) return linger();
                        next_request();
                      });
  }

  boost::beast::flat_buffer buffer_;
  bool continued_ = false;        // 100 Continue sent for the current request
  bool checked_headers_ = false;  // the handler has seen the current request's headers
  std::array<char, 16 * 1024> scratch_{};
  std::uint64_t lingered_ = 0;
  std::optional<Parser> parser_;
  http::response<http::string_body> response_;
};

}  // namespace

std::shared_ptr<Connection> make_http_connection(Connection::Socket socket, RequestHandler& handler,
                                                 Registry& registry, bool overloaded) {
  return std::make_shared<HttpConnection>(std::move(socket), handler, registry, overloaded);
}

}  // namespace kvonce::receive

// One accepted connection of the listeners (private to receive/): the socket, when it last moved
// a byte, whether a request is inside it, and its place among the open connections. The
// HTTP/1.1 and HTTP/2 connections (http_connection.cpp, grpc_connection.cpp) read and write
// through Boost.Asio on the server's one io_context and hand each complete request to the
// RequestHandler. Asio is the event loop of the listeners and is included by receive/ files only.
#pragma once

#include <chrono>
#include <list>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace kvonce::receive {

class RequestHandler;
class Connection;

// The version of libnghttp2 the process runs with (grpc_connection.cpp includes it).
std::string nghttp2_runtime_version();

// The open connections, oldest first; only the loop thread touches it.
struct Registry {
  std::list<std::shared_ptr<Connection>> all;
  std::size_t overloaded = 0;  // of `all`, those accepted over max_connections
  // Where request bodies are decompressed and read: a large body takes seconds, and on the loop
  // it would hold up every other connection (and make them look idle).
  boost::asio::thread_pool* workers = nullptr;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  using Socket = boost::asio::ip::tcp::socket;
  Connection(Socket socket, RequestHandler& handler, Registry& registry, bool overloaded);
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Registers the connection and starts reading.
  void open();
  // Closes the socket (pending operations end with operation_aborted) and leaves the registry.
  // Idempotent.
  void close();
  bool closed() const { return closed_; }
  bool busy() const { return busy_; }
  bool overloaded() const { return overloaded_; }
  std::chrono::steady_clock::time_point last_active() const { return last_active_; }
  // Requests of this connection are being handled by a worker: it is not idle, whatever its
  // socket does.
  bool processing() const { return processing_ > 0; }

 protected:
  virtual void start() = 0;
  void touch() { last_active_ = std::chrono::steady_clock::now(); }
  void set_busy(bool busy);

  // Runs `work` on a worker thread, then `done(result)` back on the loop unless the connection
  // was closed meanwhile. `work` must own what it reads.
  template <class Work, class Done>
  void offload(Work work, Done done) {
    ++processing_;
    auto self = shared_from_this();
    boost::asio::post(
        *registry_.workers, [self, this, work = std::move(work), done = std::move(done)]() mutable {
          auto result = work();
          boost::asio::post(socket_.get_executor(), [self, this, done = std::move(done),
                                                     result = std::move(result)]() mutable {
            --processing_;
            touch();
            if (!closed()) done(std::move(result));
          });
        });
  }

  Socket socket_;
  RequestHandler& handler_;

 private:
  Registry& registry_;
  std::list<std::shared_ptr<Connection>>::iterator self_;
  bool overloaded_;
  bool closed_ = false;
  bool busy_ = false;
  int processing_ = 0;  // loop thread only
  std::chrono::steady_clock::time_point last_active_ = std::chrono::steady_clock::now();
};

std::shared_ptr<Connection> make_http_connection(Connection::Socket socket, RequestHandler& handler,
                                                 Registry& registry, bool overloaded);
std::shared_ptr<Connection> make_grpc_connection(Connection::Socket socket, RequestHandler& handler,
                                                 Registry& registry, bool overloaded);

}  // namespace kvonce::receive

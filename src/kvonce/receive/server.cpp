// The listeners' event loop: one Boost.Asio io_context run by one thread. Every socket is
// non-blocking and every read, write and accept is a completion handler on that loop, so a slow
// or silent sender costs a socket and a buffer, never a thread, and never delays another sender.
#include "kvonce/receive/server.hpp"

#include <algorithm>
#include <exception>
#include <thread>
#include <vector>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <sys/resource.h>

#include "kvonce/receive/connection.hpp"
#include "kvonce/receive/handler.hpp"
#include "kvonce/util/error.hpp"

namespace kvonce::receive {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Idle connections are looked for this often: a quarter of the timeout, so one is closed at most
// a quarter late, and at least every 10 ms and at most every second.
std::chrono::milliseconds sweep_interval(std::chrono::milliseconds idle) {
  return std::clamp(idle / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
}

// Many idle connections each hold a descriptor; the soft limit (often 1024) would refuse them
// long before the hard one.
void raise_open_file_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

struct Server::Impl {
  Impl(const ServerOptions& given, Capture& capture) : options(given), handler(given, capture) {}

  ServerOptions options;
  RequestHandler handler;
  asio::io_context io{1};
  std::optional<tcp::acceptor> http, grpc;
  asio::steady_timer sweep{io};
  asio::thread_pool workers{2};
  Registry registry{{}, 0, &workers};
  std::thread thread;
  bool stopping = false;  // loop thread only

  void bind(std::optional<tcp::acceptor>& acceptor, const Listen& listen, const char* what);
  void accept(tcp::acceptor& acceptor, bool grpc_listener);
  void admit(tcp::socket socket, bool grpc_listener);
  void schedule_sweep();
  void close_all();
};

void Server::Impl::bind(std::optional<tcp::acceptor>& acceptor, const Listen& listen,
                        const char* what) {
  if (!listen.enabled) return;
  const std::string address = listen.host + ":" + std::to_string(listen.port);
  try {
    tcp::resolver resolver(io);
    const auto endpoints =
        resolver.resolve(listen.host, std::to_string(listen.port),
                         tcp::resolver::passive | tcp::resolver::numeric_service);
    const tcp::endpoint endpoint = endpoints.begin()->endpoint();
    acceptor.emplace(io);
    acceptor->open(endpoint.protocol());
    acceptor->set_option(tcp::acceptor::reuse_address(true));
    acceptor->bind(endpoint);
    acceptor->listen(asio::socket_base::max_listen_connections);
  } catch (const boost::system::system_error& e) {
    acceptor.reset();
    fail(ErrorKind::usage,
         std::string("cannot listen for ") + what + " on " + address + ": " + e.code().message());
  }
}

void Server::Impl::accept(tcp::acceptor& acceptor, bool grpc_listener) {
  acceptor.async_accept(
      [this, &acceptor, grpc_listener](boost::system::error_code ec, tcp::socket socket) {
        if (stopping || ec == asio::error::operation_aborted) return;
        if (ec) {
          // Out of descriptors (EMFILE) or a connection reset before it was accepted: try again a
          // little later instead of spinning.
          auto retry = std::make_shared<asio::steady_timer>(io, std::chrono::milliseconds(50));
          retry->async_wait([this, retry, &acceptor, grpc_listener](boost::system::error_code) {
            if (!stopping) accept(acceptor, grpc_listener);
          });
          return;
        }
        admit(std::move(socket), grpc_listener);
        accept(acceptor, grpc_listener);
      });
}

// Over max_connections, the connection idle the longest makes room; when every connection is
// inside a request, the newcomer is refused with a retryable answer, or closed at once when as
// many are already being refused.
void Server::Impl::admit(tcp::socket socket, bool grpc_listener) {
  const std::size_t max = std::max<std::size_t>(options.limits.max_connections, 1);
  bool overloaded = false;
  if (registry.all.size() - registry.overloaded >= max) {
    Connection* oldest_idle = nullptr;
    for (const auto& c : registry.all) {
      if (c->busy() || c->overloaded() || c->processing()) continue;
      if (!oldest_idle || c->last_active() < oldest_idle->last_active()) oldest_idle = c.get();
    }
    if (oldest_idle) {
      oldest_idle->close();
    } else if (registry.overloaded < max) {
      overloaded = true;
    } else {
      boost::system::error_code ignored;
      socket.close(ignored);
      return;
    }
  }
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  auto connection = grpc_listener
                        ? make_grpc_connection(std::move(socket), handler, registry, overloaded)
                        : make_http_connection(std::move(socket), handler, registry, overloaded);
  connection->open();
}

void Server::Impl::schedule_sweep() {
  sweep.expires_after(sweep_interval(options.limits.idle_timeout));
  sweep.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping) return;
    const auto deadline = std::chrono::steady_clock::now() - options.limits.idle_timeout;
    std::vector<std::shared_ptr<Connection>> idle;
    for (const auto& c : registry.all) {
      if (c->last_active() <= deadline && !c->processing()) idle.push_back(c);
    }
    for (const auto& c : idle) c->close();
    schedule_sweep();
  });
}

void Server::Impl::close_all() {
  stopping = true;
  boost::system::error_code ignored;
  if (http) http->close(ignored);
  if (grpc) grpc->close(ignored);
  sweep.cancel();
  while (!registry.all.empty()) {
    const std::shared_ptr<Connection> c = registry.all.front();
    c->close();
  }
}

Server::Server(const ServerOptions& options, Capture& capture)
    : impl_(std::make_unique<Impl>(options, capture)) {
  impl_->bind(impl_->http, options.http, "OTLP/HTTP");
  impl_->bind(impl_->grpc, options.grpc, "OTLP/gRPC");
}

Server::~Server() {
  stop();
}

std::uint16_t Server::http_port() const {
  return impl_->http ? impl_->http->local_endpoint().port() : 0;
}

std::uint16_t Server::grpc_port() const {
  return impl_->grpc ? impl_->grpc->local_endpoint().port() : 0;
}

void Server::start() {
  if (impl_->thread.joinable() || impl_->stopping) return;
  raise_open_file_limit();
  if (impl_->http) impl_->accept(*impl_->http, false);
  if (impl_->grpc) impl_->accept(*impl_->grpc, true);
  impl_->schedule_sweep();
  impl_->thread = std::thread([impl = impl_.get()] {
    for (;;) {
      try {
        impl->io.run();
        return;
      } catch (const std::exception&) {
        // A handler that threw (out of memory, say) lost its connection; the others go on.
      }
    }
  });
}

Counters Server::counters() const {
  return impl_->handler.counters();
}

void Server::stop() {
  if (impl_->thread.joinable()) {
    asio::post(impl_->io, [impl = impl_.get()] {
      impl->close_all();
      impl->io.stop();
    });
    impl_->thread.join();
  } else {
    impl_->close_all();
  }
  // Requests being read on a worker finish (their answers go nowhere): the capture is complete
  // when stop() returns.
  impl_->workers.join();
}

}  // namespace kvonce::receive

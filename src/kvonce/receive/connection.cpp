#include "kvonce/receive/connection.hpp"

#include "kvonce/receive/handler.hpp"

namespace kvonce::receive {

Connection::Connection(Socket socket, RequestHandler& handler, Registry& registry, bool overloaded)
    : socket_(std::move(socket)), handler_(handler), registry_(registry), overloaded_(overloaded) {}

void Connection::open() {
  self_ = registry_.all.insert(registry_.all.end(), shared_from_this());
  if (overloaded_) ++registry_.overloaded;
  handler_.connection_opened();
  start();
}

void Connection::close() {
  if (closed_) return;
  closed_ = true;
  // Counted first: whoever sees the socket close then reads counters that say so.
  set_busy(false);
  handler_.connection_closed();
  boost::system::error_code ignored;
  socket_.shutdown(Socket::shutdown_both, ignored);
  socket_.close(ignored);
  if (overloaded_) --registry_.overloaded;
  const std::shared_ptr<Connection> keep = shared_from_this();  // erase may drop the last owner
  registry_.all.erase(self_);
}

void Connection::set_busy(bool busy) {
  if (busy == busy_) return;
  busy_ = busy;
  handler_.busy_changed(busy ? 1 : -1);
}

}  // namespace kvonce::receive

// Sockets for the admin HTTP server: name resolution, the listeners, and the table of open
// connections with its cap; see admin_server.h. The sessions are in admin_session.cpp.
#include "proxy/admin_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <deque>
#include <spdlog/spdlog.h>

#include "proxy/accept_backoff.h"
#include "proxy/admin_session.h"

namespace switchyard::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;

// The open connections of every listener, oldest first. Touched only on the io_context's thread.
class AdminConnections {
 public:
  explicit AdminConnections(std::shared_ptr<const AdminHandlers> handlers) : handlers_(std::move(handlers)) {}

  // Makes room for one more connection: at the cap, closes the oldest one that is waiting for a
  // request. False if every open connection is busy answering.
  bool make_room() {
    std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
    if (sessions_.size() < AdminServer::kMaxConnections) return true;
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      const auto s = it->lock();
      if (s && s->waiting()) {
        s->close();
        sessions_.erase(it);
        handlers_->count(&ListenerCounters::admin_evicted);
        return true;
      }
    }
    handlers_->count(&ListenerCounters::admin_refused);
    uint64_t not_logged = 0;
    if (refused_log_.allow(std::chrono::steady_clock::now(), not_logged))
      spdlog::warn("admin: {} connections busy answering; refusing another ({} more refused in the last second)",
                   sessions_.size(), not_logged);
    return false;
  }

  void add(std::weak_ptr<AdminSession> session) { sessions_.push_back(std::move(session)); }

  void close_all() {
    for (auto& weak : sessions_)
      if (auto s = weak.lock()) s->close();
    sessions_.clear();
  }

 private:
  std::shared_ptr<const AdminHandlers> handlers_;
  std::deque<std::weak_ptr<AdminSession>> sessions_;
  LogLimiter refused_log_{std::chrono::seconds(1)};
};

// One accept loop. Touched only on the io_context's thread (REQUIRES it has one).
class AdminListener : public std::enable_shared_from_this<AdminListener> {
 public:
  AdminListener(asio::io_context& io, std::shared_ptr<const AdminHandlers> handlers,
                std::shared_ptr<AdminConnections> connections)
      : io_(io),
        acceptor_(io),
        timer_(io),
        handlers_(std::move(handlers)),
        connections_(std::move(connections)),
        backoff_("admin", handlers_->counters ? &handlers_->counters->accept_errors_admin : nullptr) {}

  bool open(const tcp::endpoint& endpoint, beast::error_code& ec) {
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec && endpoint.protocol() == tcp::v6()) acceptor_.set_option(asio::ip::v6_only(true), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (!ec) port_ = acceptor_.local_endpoint(ec).port();
    if (ec) {
      beast::error_code ignored;
      acceptor_.close(ignored);
      return false;
    }
    protocol_ = endpoint.protocol();
    return true;
  }
  uint16_t port() const { return port_; }

  void accept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           beast::bind_front_handler(&AdminListener::on_accept, shared_from_this()));
  }

  void close() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    timer_.cancel();
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;  // stopped; a socket accepted meanwhile is dropped
    if (ec) return on_error(ec);
    backoff_.succeeded();
    serve(std::move(socket));
    accept();
  }

  void serve(tcp::socket socket) {
    if (!connections_->make_room()) return;  // the socket closes as it goes out of scope
    auto session = std::make_shared<AdminSession>(std::move(socket), handlers_);
    connections_->add(session);
    session->start();
  }

  void on_error(beast::error_code ec) {
    bool answered = false;
    if (out_of_descriptors(ec)) {
      const int fd = spare_.accept_with_spare(acceptor_.native_handle());
      if (fd >= 0) {
        answered = true;
        serve(tcp::socket(asio::make_strand(io_), protocol_, fd));
      }
      spare_.refill();  // fails while that connection is open; tried again before the next accept
    }
    const auto pause = backoff_.failed(ec, answered);
    if (pause.count() == 0) return accept();
    timer_.expires_after(pause);
    timer_.async_wait([self = shared_from_this()](beast::error_code timer_ec) {
      if (timer_ec || !self->acceptor_.is_open()) return;
      self->spare_.refill();
      self->accept();
    });
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  asio::steady_timer timer_;
  std::shared_ptr<const AdminHandlers> handlers_;
  std::shared_ptr<AdminConnections> connections_;
  AcceptBackoff backoff_;
  SpareDescriptor spare_;
  tcp protocol_ = tcp::v4();
  uint16_t port_ = 0;
};

namespace {

// The addresses `host` names: itself if it is an IP address, else what it resolves to.
bool resolve(asio::io_context& io, const config::HostPort& where, std::vector<tcp::endpoint>& out,
             std::string& error) {
  beast::error_code ec;
  const auto address = asio::ip::make_address(where.host, ec);
  if (!ec) {
    out.emplace_back(address, where.port);
    return true;
  }
  tcp::resolver resolver(io);
  const auto results = resolver.resolve(where.host, std::to_string(where.port), tcp::resolver::numeric_service, ec);
  if (ec) {
    error = "admin.listen: cannot resolve '" + where.host + "': " + ec.message();
    return false;
  }
  for (const auto& r : results)
    if (std::find(out.begin(), out.end(), r.endpoint()) == out.end()) out.push_back(r.endpoint());
  if (out.empty()) error = "admin.listen: '" + where.host + "' resolves to no address";
  return !out.empty();
}

}  // namespace

AdminServer::AdminServer(asio::io_context& io, Snapshot snapshot, Reload reload, StartJob start_job,
                         ListenerCounters* counters)
    : io_(io),
      handlers_(std::make_shared<const AdminHandlers>(
          AdminHandlers{std::move(snapshot), std::move(reload), std::move(start_job), counters})) {}

AdminServer::~AdminServer() { stop(); }

bool AdminServer::start(const config::HostPort& where, std::string& error, bool loopback_only) {
  if (!listeners_.empty()) {
    error = "admin server already started";
    return false;
  }
  std::vector<tcp::endpoint> endpoints;
  if (!resolve(io_, where, endpoints, error)) return false;
  if (loopback_only) {
    for (const auto& e : endpoints) {
      if (!e.address().is_loopback()) {
        error = "admin.listen: '" + where.host + "' resolves to " + e.address().to_string() +
                ", not a loopback address; without admin.token_env the admin API listens on loopback only";
        return false;
      }
    }
  }
  auto connections = std::make_shared<AdminConnections>(handlers_);
  std::vector<std::shared_ptr<AdminListener>> listeners;
  uint16_t port = where.port;
  std::string failures;
  for (auto endpoint : endpoints) {
    endpoint.port(port);  // port 0: the first bind picks it, the others take the same
    auto listener = std::make_shared<AdminListener>(io_, handlers_, connections);
    beast::error_code ec;
    if (!listener->open(endpoint, ec)) {
      const std::string what = "cannot listen on " +
                               config::HostPort{endpoint.address().to_string(), endpoint.port()}.to_string() +
                               " for admin: " + ec.message();
      failures += (failures.empty() ? "" : "; ") + what;
      continue;
    }
    port = listener->port();
    listeners.push_back(std::move(listener));
  }
  if (listeners.empty()) {
    error = endpoints.size() == 1 ? "cannot listen on " + where.to_string() + " for admin: " +
                                        failures.substr(failures.rfind(": ") + 2)
                                  : failures;
    return false;
  }
  if (!failures.empty()) spdlog::warn("admin.listen {}: {}; listening on the others", where.to_string(), failures);
  port_ = port;
  connections_ = std::move(connections);
  listeners_ = std::move(listeners);
  for (const auto& l : listeners_) l->accept();
  return true;
}

void AdminServer::stop() {
  if (listeners_.empty()) return;
  asio::dispatch(io_, [listeners = std::move(listeners_), connections = std::move(connections_)] {
    for (const auto& l : listeners) l->close();
    connections->close_all();
  });
  listeners_.clear();
  port_ = 0;
}

}  // namespace switchyard::proxy

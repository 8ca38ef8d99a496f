// Sockets for the admin HTTP server: a listener and one session per connection; see
// admin_server.h. Everything here is I/O; what to answer is decided by handle_admin_request.
#include "proxy/admin_server.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <optional>
#include <spdlog/spdlog.h>
#include <vector>

namespace switchyard::proxy {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTimeout = std::chrono::seconds(10);
constexpr uint64_t kBodyLimit = 64 * 1024;
constexpr size_t kMaxConnections = 64;

http::message_generator to_http(AdminResponse r, unsigned version, bool keep_alive) {
  http::response<http::string_body> res{static_cast<http::status>(r.status), version};
  res.set(http::field::server, "switchyard");
  res.set(http::field::content_type, r.content_type);
  res.set(http::field::cache_control, "no-store");
  if (!r.allow.empty()) res.set(http::field::allow, r.allow);
  if (!r.www_authenticate.empty()) res.set(http::field::www_authenticate, r.www_authenticate);
  res.keep_alive(keep_alive);
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

// Errors that end a connection in the ordinary course of things: not worth a log line.
bool expected_error(beast::error_code ec) {
  return ec == asio::error::operation_aborted || ec == beast::error::timeout || ec == asio::error::eof ||
         ec == asio::error::connection_reset;
}

}  // namespace

struct AdminHandlers {
  AdminServer::Snapshot snapshot;
  AdminServer::Reload reload;
  AdminServer::StartJob start_backfill;
};

// One admin connection, on its own strand.
class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(tcp::socket socket, std::shared_ptr<const AdminHandlers> handlers)
      : stream_(std::move(socket)), handlers_(std::move(handlers)) {}

  void start() {
    asio::dispatch(stream_.get_executor(), beast::bind_front_handler(&AdminSession::do_read, shared_from_this()));
  }

  // Thread-safe: closes the connection on the session's strand, cancelling what is pending.
  void close() {
    asio::post(stream_.get_executor(), [self = shared_from_this()] { self->stream_.close(); });
  }

 private:
  void do_read() {
    parser_.emplace();  // a fresh parser per request, since its limits apply per message
    parser_->body_limit(kBodyLimit);
    stream_.expires_after(kTimeout);
    http::async_read(stream_, buffer_, *parser_, beast::bind_front_handler(&AdminSession::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, size_t /*bytes*/) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec) return fail(ec, "read");
    const auto& req = parser_->get();
    AdminRequest request{std::string(req.method_string()), std::string(req.target()), std::nullopt};
    if (const auto it = req.find(http::field::authorization); it != req.end())
      request.authorization = std::string(it->value());
    AdminResponse response = handle_admin_request(request, handlers_->snapshot());
    if (response.reload && handlers_->reload) {
      // Nothing is read meanwhile: the answer comes back onto this session's strand.
      return handlers_->reload([self = shared_from_this(), version = req.version(),
                                keep_alive = req.keep_alive()](ReloadOutcome outcome) {
        asio::post(self->stream_.get_executor(), [self, version, keep_alive, outcome = std::move(outcome)] {
          self->send(to_http(reload_response(outcome), version, keep_alive));
        });
      });
    }
    if (!response.backfill.empty() && handlers_->start_backfill) {
      auto [status, body] = handlers_->start_backfill(response.backfill);
      response = AdminResponse{status, "application/json", std::move(body), {}, {}, false, {}};
    }
    send(to_http(std::move(response), req.version(), req.keep_alive()));
  }

  void send(http::message_generator&& msg) {
    const bool keep_alive = msg.keep_alive();
    stream_.expires_after(kTimeout);
    beast::async_write(stream_, std::move(msg),
                       beast::bind_front_handler(&AdminSession::on_write, shared_from_this(), keep_alive));
  }

  void on_write(bool keep_alive, beast::error_code ec, size_t /*bytes*/) {
    if (ec) return fail(ec, "write");
    if (!keep_alive) return do_close();
    do_read();
  }

  // The client asked to close (or the request said Connection: close): send FIN. The socket
  // closes when the last handler holding this session returns.
  void do_close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  void fail(beast::error_code ec, const char* what) {
    if (!expected_error(ec)) spdlog::debug("admin connection: {}: {}", what, ec.message());
  }

  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<const AdminHandlers> handlers_;
};

// The accept loop. Touched only on the io_context's thread (REQUIRES it has one).
class AdminListener : public std::enable_shared_from_this<AdminListener> {
 public:
  AdminListener(asio::io_context& io, std::shared_ptr<const AdminHandlers> handlers)
      : io_(io), acceptor_(io), handlers_(std::move(handlers)) {}

  bool open(const tcp::endpoint& endpoint, beast::error_code& ec) {
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return false;
    port_ = acceptor_.local_endpoint(ec).port();
    return !ec;
  }
  uint16_t port() const { return port_; }

  void accept() {
    acceptor_.async_accept(asio::make_strand(io_),
                           beast::bind_front_handler(&AdminListener::on_accept, shared_from_this()));
  }

  void close() {
    beast::error_code ignored;
    acceptor_.close(ignored);
    for (auto& weak : sessions_)
      if (auto s = weak.lock()) s->close();
    sessions_.clear();
  }

 private:
  void on_accept(beast::error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open()) return;  // stopped; a socket accepted meanwhile is dropped
    if (ec) {
      spdlog::warn("admin accept: {}", ec.message());
    } else {
      std::erase_if(sessions_, [](const auto& weak) { return weak.expired(); });
      if (sessions_.size() >= kMaxConnections) {
        spdlog::warn("admin: {} connections open; refusing another", sessions_.size());
      } else {
        auto session = std::make_shared<AdminSession>(std::move(socket), handlers_);
        sessions_.push_back(session);
        session->start();
      }
    }
    accept();
  }

  asio::io_context& io_;
  tcp::acceptor acceptor_;
  std::shared_ptr<const AdminHandlers> handlers_;
  std::vector<std::weak_ptr<AdminSession>> sessions_;
  uint16_t port_ = 0;
};

AdminServer::AdminServer(asio::io_context& io, Snapshot snapshot, Reload reload, StartJob start_backfill)
    : io_(io),
      handlers_(std::make_shared<const AdminHandlers>(
          AdminHandlers{std::move(snapshot), std::move(reload), std::move(start_backfill)})) {}

AdminServer::~AdminServer() { stop(); }

bool AdminServer::start(const config::HostPort& where, std::string& error) {
  if (listener_) {
    error = "admin server already started";
    return false;
  }
  beast::error_code ec;
  const auto address = asio::ip::make_address(where.host, ec);
  if (ec) {
    error = "admin.listen: '" + where.host + "' is not an IP address";
    return false;
  }
  auto listener = std::make_shared<AdminListener>(io_, handlers_);
  if (!listener->open(tcp::endpoint(address, where.port), ec)) {
    error = "cannot listen on " + where.to_string() + " for admin: " + ec.message();
    return false;
  }
  port_ = listener->port();
  listener_ = std::move(listener);
  listener_->accept();
  return true;
}

void AdminServer::stop() {
  if (!listener_) return;
  asio::dispatch(io_, [listener = std::move(listener_)] { listener->close(); });
  port_ = 0;
}

}  // namespace switchyard::proxy

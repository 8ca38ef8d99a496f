// Listener, worker threads and graceful drain; see server.h.
#include "proxy/server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <csignal>
#include <cstdlib>
#include <spdlog/spdlog.h>

#include "proxy/reactor_hint.h"
#include "proxy/client_refusal.h"
#include "proxy/session.h"

namespace switchyard::proxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Server::Server(std::shared_ptr<const Generation> generation, std::string config_path)
    : acceptor_(main_io_),
      signals_(main_io_, SIGINT, SIGTERM),
      hangup_(main_io_, SIGHUP),
      drain_timer_(main_io_),
      accept_timer_(main_io_),
      accept_backoff_("client", &shared_.metrics.listeners.accept_errors_client),
      config_path_(std::move(config_path)) {
  shared_.publish(std::move(generation));
  make_session_ = session_factory(shared_.generation()->config.protocol);
  unsigned n = shared_.generation()->config.threads;
  if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->ctx = std::make_unique<SessionContext>(SessionContext{shared_, {}, RewriteCache(&shared_.metrics), {}});
    workers_.push_back(std::move(w));
  }
}

Server::~Server() {
  shared_.verifiers->stop();  // its callbacks post to the workers' io_contexts
  stop_workers();
  if (reload_thread_.joinable()) reload_thread_.join();  // its result, posted, is never run
}

bool Server::bind() {
  const auto gen = shared_.generation();
  const auto& admin = gen->config.admin;
  if (admin.listen && !admin.token_env.empty()) {
    const char* token = std::getenv(admin.token_env.c_str());
    if (token == nullptr || *token == '\0') {
      spdlog::error("admin.token_env: environment variable {} is not set or is empty; refusing to start the "
                    "admin server without its token",
                    admin.token_env);
      return false;
    }
    admin_token_ = token;
  }
  std::string error;
  if (!open_listener(acceptor_, gen->config.listen, error)) {
    spdlog::error("{}", error);
    return false;
  }
  return start_admin();
}

bool Server::open_listener(tcp::acceptor& acceptor, const config::HostPort& listen, std::string& error) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(listen.host, ec);
  if (ec) {
    error = "listen: '" + listen.host + "' is not an IP address";
    return false;
  }
  const tcp::endpoint endpoint(address, listen.port);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  // Accepted sockets inherit it: every recv from a client says what it left (reactor_hint.h).
  if (!ec && !enable_rest_reports(acceptor.native_handle())) spdlog::debug("listen: TCP_INQ not available");
  if (ec) {
    error = "cannot listen on " + listen.to_string() + ": " + ec.message();
    boost::system::error_code ignored;
    acceptor.close(ignored);
    return false;
  }
  return true;
}

bool Server::start_admin() {
  const auto gen = shared_.generation();
  const config::Config* cfg = &gen->config;
  if (!cfg->admin.listen) return true;
  // The snapshot and reloads run on main_io_'s thread, the only one that touches draining_.
  admin_ = std::make_unique<AdminServer>(
      main_io_, [this] { return admin_view(); },
      [this](AdminServer::ReloadDone done) { request_reload("POST /reload", std::move(done)); },
      // Installed by main.cpp after bind(), so looked up at each request.
      [this](const std::string& kind, const std::string& migration) -> std::pair<int, std::string> {
        if (!shared_.start_job) return {503, "{\"error\":\"jobs are not available\"}\n"};
        return shared_.start_job(kind, migration);
      },
      &shared_.metrics.listeners);
  std::string error;
  // Without a token the admin API stays on this host: a name must resolve to loopback only.
  if (!admin_->start(*cfg->admin.listen, error, /*loopback_only=*/admin_token_.empty())) {
    spdlog::error("{}", error);
    return false;
  }
  spdlog::info("admin server listening on {}{}; the console is at http://{}/",
               config::HostPort{cfg->admin.listen->host, admin_->port()}.to_string(),
               admin_token_.empty() ? "" : " (bearer token required)",
               config::HostPort{cfg->admin.listen->host, admin_->port()}.to_string());
  history_ = StatusHistory(static_cast<int>(cfg->admin.history_interval_seconds));
  sample_history();
  return true;
}

int Server::run() {
  const auto gen = shared_.generation();
  const config::Config* cfg = &gen->config;
  for (auto& w : workers_) {
    w->thread = std::thread([&io = w->io] {
      auto guard = asio::make_work_guard(io);
      io.run();
    });
  }
  spdlog::info("switchyard {} listening on {} for {}, upstream {}, {} worker threads", SWITCHYARD_VERSION,
               cfg->listen.to_string(), cfg->protocol == config::Protocol::kMysql ? "MySQL" : "PostgreSQL",
               cfg->upstream.to_string(), workers_.size());
  signals_.async_wait([this](boost::system::error_code ec, int signo) {
    if (!ec) on_signal(signo);
  });
  wait_for_hangup();
  accept();
  main_io_.run();
  stop_workers();
  spdlog::info("switchyard stopped");
  return 0;
}

void Server::accept() {
  Worker& w = *workers_[next_worker_++ % workers_.size()];
  acceptor_.async_accept(w.io, [this, &w, epoch = accept_epoch_](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted) return;
    if (draining_) return;  // the listener closed for shutdown; a socket accepted meanwhile is dropped
    if (ec) return on_accept_error(ec, epoch);
    accept_backoff_.succeeded();
    if (admit(socket)) {
      const uint64_t id = shared_.next_session_id.fetch_add(1, std::memory_order_relaxed);
      starting_sessions_.fetch_add(1, std::memory_order_relaxed);
      // The socket belongs to w.io already; the session is created and started on that thread.
      asio::post(w.io, [this, &w, id, s = std::move(socket)]() mutable {
        auto session = make_session_(std::move(s), *w.ctx, id);
        starting_sessions_.fetch_sub(1, std::memory_order_relaxed);  // now in active_sessions
        w.ctx->sessions.emplace(id, session);
        session->start();
      });
    }
    if (epoch == accept_epoch_) accept();  // else a reload rebound the listener, which accepts itself
  });
}

bool Server::admit(tcp::socket& socket) {
  const uint32_t max = shared_.generation()->config.limits.max_client_connections;
  const int64_t open = shared_.active_sessions.load(std::memory_order_relaxed) +
                       starting_sessions_.load(std::memory_order_relaxed);
  if (open < static_cast<int64_t>(max)) return true;
  shared_.metrics.listeners.clients_refused_max_connections.fetch_add(1, std::memory_order_relaxed);
  uint64_t not_logged = 0;
  if (refusal_log_.allow(std::chrono::steady_clock::now(), not_logged))
    spdlog::warn("refusing a client: {} connections open, limits.max_client_connections is {}{}", open, max,
                 not_logged > 0 ? fmt::format(" ({} more refused in the last second)", not_logged) : std::string());
  refuse_client(std::move(socket),  // on its worker's thread
                fmt::format("sorry, too many clients already: switchyard's limits.max_client_connections is {}", max),
                kRefusalDeadline, {}, shared_.generation()->config.protocol);
  return false;
}

void Server::on_accept_error(const boost::system::error_code& ec, uint64_t epoch) {
  bool answered = false;
  if (out_of_descriptors(ec)) {
    boost::system::error_code local_ec;
    const auto protocol = acceptor_.local_endpoint(local_ec).protocol();
    const int fd = local_ec ? -1 : spare_fd_->accept_with_spare(acceptor_.native_handle());
    if (fd >= 0) {
      answered = true;
      shared_.metrics.listeners.clients_refused_no_descriptors.fetch_add(1, std::memory_order_relaxed);
      // On the main thread; the spare is taken back once this descriptor is closed.
      refuse_client(tcp::socket(main_io_, protocol, fd),
                    "sorry, too many clients already: switchyard is out of file descriptors", kSpareRefusalDeadline,
                    [spare = spare_fd_] { spare->refill(); }, shared_.generation()->config.protocol);
    } else {
      spare_fd_->refill();
    }
  }
  const auto pause = accept_backoff_.failed(ec, answered);
  if (pause.count() == 0) {
    if (epoch == accept_epoch_) accept();
    return;
  }
  accept_timer_.expires_after(pause);
  accept_timer_.async_wait([this, epoch](boost::system::error_code timer_ec) {
    if (timer_ec || draining_ || epoch != accept_epoch_) return;
    spare_fd_->refill();
    accept();
  });
}

void Server::on_signal(int signo) {
  signals_.async_wait([this](boost::system::error_code ec, int s) {
    if (!ec) on_signal(s);
  });
  if (draining_) {
    // A second signal: stop waiting for sessions.
    spdlog::warn("second signal {}: closing all sessions now", signo);
    forced_ = true;
    close_all_sessions();
    return;
  }
  draining_ = true;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  const auto timeout = std::chrono::milliseconds(shared_.generation()->config.limits.drain_timeout_ms);
  spdlog::info("signal {}: no longer accepting; draining {} sessions (up to {} ms)", signo,
               shared_.active_sessions.load(), timeout.count());
  wait_for_drain(std::chrono::steady_clock::now() + timeout);
}

void Server::wait_for_drain(std::chrono::steady_clock::time_point deadline) {
  if (shared_.active_sessions.load() == 0) {
    spdlog::info("all sessions finished");
    // The admin server stays up while draining, so /healthz can answer 503 to load balancers.
    if (admin_) admin_->stop();
    main_io_.stop();
    return;
  }
  if (std::chrono::steady_clock::now() >= deadline && !forced_) {
    spdlog::warn("drain timeout: closing {} remaining sessions", shared_.active_sessions.load());
    forced_ = true;
    close_all_sessions();
  }
  drain_timer_.expires_after(std::chrono::milliseconds(20));
  drain_timer_.async_wait([this, deadline](boost::system::error_code ec) {
    if (!ec) wait_for_drain(deadline);
  });
}

void Server::close_all_sessions() {
  for (auto& w : workers_) {
    asio::post(w->io, [ctx = w->ctx.get()] {
      // close() erases from the map, so walk a copy.
      std::vector<std::shared_ptr<Session>> live;
      for (auto& [id, weak] : ctx->sessions)
        if (auto s = weak.lock()) live.push_back(std::move(s));
      for (auto& s : live) s->close("proxy shutting down");
    });
  }
}

void Server::stop_workers() {
  for (auto& w : workers_) w->io.stop();
  for (auto& w : workers_)
    if (w->thread.joinable()) w->thread.join();
}

}  // namespace switchyard::proxy

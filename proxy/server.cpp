// Listener, worker threads and graceful drain; see server.h.
#include "proxy/server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <csignal>
#include <spdlog/spdlog.h>

#include "proxy/pg_session.h"

namespace switchyard::proxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

Server::Server(std::shared_ptr<const Generation> generation)
    : acceptor_(main_io_), signals_(main_io_, SIGINT, SIGTERM), drain_timer_(main_io_) {
  shared_.publish(std::move(generation));
  unsigned n = shared_.generation()->config.threads;
  if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < n; ++i) {
    auto w = std::make_unique<Worker>();
    w->ctx = std::make_unique<SessionContext>(SessionContext{shared_, {}, {}});
    workers_.push_back(std::move(w));
  }
}

Server::~Server() { stop_workers(); }

bool Server::bind() {
  const auto& listen = shared_.generation()->config.listen;
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(listen.host, ec);
  if (ec) {
    spdlog::error("listen: '{}' is not an IP address", listen.host);
    return false;
  }
  const tcp::endpoint endpoint(address, listen.port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    spdlog::error("cannot listen on {}: {}", listen.to_string(), ec.message());
    return false;
  }
  return true;
}

bool Server::start_admin() {
  const auto gen = shared_.generation();
  const config::Config* cfg = &gen->config;
  if (!cfg->admin.listen) return true;
  // The snapshot runs on main_io_'s thread, the only one that touches draining_.
  admin_ = std::make_unique<AdminServer>(main_io_, [this] {
    const auto g = shared_.generation();
    const config::Config* c = &g->config;
    AdminView v;
    v.version = SWITCHYARD_VERSION;
    v.uptime_seconds = static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count());
    v.active_sessions = shared_.active_sessions.load(std::memory_order_relaxed);
    v.total_sessions = shared_.total_sessions.load(std::memory_order_relaxed);
    v.listen = c->listen.to_string();
    v.upstream = c->upstream.to_string();
    v.draining = draining_;
    v.statements_rewritten = shared_.statements_rewritten.load(std::memory_order_relaxed);
    v.statements_refused = shared_.statements_refused.load(std::memory_order_relaxed);
    return v;
  });
  std::string error;
  if (!admin_->start(*cfg->admin.listen, error)) {
    spdlog::error("{}", error);
    return false;
  }
  spdlog::info("admin server listening on {}", config::HostPort{cfg->admin.listen->host, admin_->port()}.to_string());
  return true;
}

int Server::run() {
  const auto gen = shared_.generation();
  const config::Config* cfg = &gen->config;
  if (!start_admin()) return 1;
  for (auto& w : workers_) {
    w->thread = std::thread([&io = w->io] {
      auto guard = asio::make_work_guard(io);
      io.run();
    });
  }
  spdlog::info("switchyard {} listening on {} for PostgreSQL, upstream {}, {} worker threads", SWITCHYARD_VERSION,
               cfg->listen.to_string(), cfg->upstream.to_string(), workers_.size());
  signals_.async_wait([this](boost::system::error_code ec, int signo) {
    if (!ec) on_signal(signo);
  });
  accept();
  main_io_.run();
  stop_workers();
  spdlog::info("switchyard stopped");
  return 0;
}

void Server::accept() {
  Worker& w = *workers_[next_worker_++ % workers_.size()];
  acceptor_.async_accept(w.io, [this, &w](boost::system::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (ec) {
      spdlog::warn("accept: {}", ec.message());
    } else {
      const uint64_t id = shared_.next_session_id.fetch_add(1, std::memory_order_relaxed);
      // The socket belongs to w.io already; the session is created and started on that thread.
      asio::post(w.io, [&w, id, s = std::move(socket)]() mutable {
        auto session = std::make_shared<PgSession>(std::move(s), *w.ctx, id);
        w.ctx->sessions.emplace(id, session);
        session->start();
      });
    }
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
      std::vector<std::shared_ptr<PgSession>> live;
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

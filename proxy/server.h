// The proxy process: a listener, N worker threads each running its own io_context, the admin
// server, the signal handling that drains sessions on SIGTERM/SIGINT, and reloads (SIGHUP or
// POST /reload).
//
// Accepted sockets are handed to workers round-robin, unless limits.max_client_connections are
// open already: that client is answered FATAL 53300 and closed (proxy/client_refusal.h). A failed
// accept (out of descriptors, ENOBUFS, ...) pauses the listener with a growing backoff, logs at a
// bounded rate and is counted; out of descriptors, one waiting client is still answered 53300
// through a spare descriptor (proxy/accept_backoff.h).
//
// A session lives on its worker's thread for its whole life, so sessions need no locks. The main thread runs the acceptor,
// signals and the admin server.
//
// Reload (server_reload.cpp): the config file is re-read and checked against the live schema on
// a short-lived thread (libpq blocks, for as long as `control` lets it), never on the main or a
// worker thread; the result is applied on the main thread. One reload runs at a time; requests
// that arrive meanwhile share one more reload after it. A valid config becomes a new Generation,
// which each session adopts at its next transaction boundary (pg_session_generation.cpp).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "proxy/accept_backoff.h"
#include "proxy/admin_server.h"
#include "proxy/generation.h"
#include "proxy/session.h"
#include "proxy/session_context.h"
#include "proxy/status_history.h"

namespace switchyard::proxy {

class Server {
 public:
  // `config_path` is the file a reload re-reads.
  Server(std::shared_ptr<const Generation> generation, std::string config_path);
  ~Server();

  // Reads the admin token, binds the listener and the admin server; false (with the reason
  // logged) if any of it fails.
  bool bind();
  // Runs until drained after a signal. Returns the process exit code.
  int run();

  SharedState& shared() { return shared_; }

 private:
  struct Worker {
    boost::asio::io_context io{1};
    std::unique_ptr<SessionContext> ctx;
    std::thread thread;
  };

  bool open_listener(boost::asio::ip::tcp::acceptor& acceptor, const config::HostPort& listen, std::string& error);
  void accept();
  // After a failed accept of the listener of `epoch`: answer one client through the spare
  // descriptor if out of them, then accept again after the backoff's pause.
  void on_accept_error(const boost::system::error_code& ec, uint64_t epoch);
  // False (the client answered FATAL 53300) when limits.max_client_connections are open.
  bool admit(boost::asio::ip::tcp::socket& socket);
  void on_signal(int signo);
  void wait_for_drain(std::chrono::steady_clock::time_point deadline);
  void close_all_sessions();
  void stop_workers();
  bool start_admin();
  AdminView admin_view() const;  // server_admin.cpp
  // Takes a sample into history_ now and every admin.history_interval_seconds (server_admin.cpp).
  void sample_history();

  // server_reload.cpp; all on main_io_'s thread. `done` may be empty (SIGHUP).
  void wait_for_hangup();
  void request_reload(const char* source, AdminServer::ReloadDone done);
  void start_reload();
  void finish_reload(GenerationBuild build);
  ReloadOutcome apply(std::shared_ptr<Generation> next);
  bool rebind(const config::HostPort& listen, std::string& error);

  SharedState shared_;
  SessionFactory make_session_;  // by `protocol:`, fixed at start-up (a reload may not change it)
  boost::asio::io_context main_io_{1};
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::signal_set hangup_;
  boost::asio::steady_timer drain_timer_;
  std::vector<std::unique_ptr<Worker>> workers_;
  size_t next_worker_ = 0;
  uint64_t accept_epoch_ = 0;  // +1 per rebind: an accept of an older listener does not re-arm
  boost::asio::steady_timer accept_timer_;  // the pause after a failed accept
  AcceptBackoff accept_backoff_;
  // Shared with a refusal in flight, which takes the spare back when it ends.
  std::shared_ptr<SpareDescriptor> spare_fd_ = std::make_shared<SpareDescriptor>();
  LogLimiter refusal_log_{std::chrono::seconds(1)};
  // Accepted, their session not yet created on its worker (which then counts it in
  // shared_.active_sessions): admit() counts them too. +1 on the main thread, -1 on a worker.
  std::atomic<int64_t> starting_sessions_{0};
  const std::string config_path_;
  std::string admin_token_;  // read at start-up from the variable named by admin.token_env
  std::thread reload_thread_;
  bool reloading_ = false;
  std::vector<AdminServer::ReloadDone> reload_waiting_;  // answered by the reload running now
  std::vector<AdminServer::ReloadDone> reload_next_;     // arrived during it: one more after it
  bool reload_again_ = false;
  bool draining_ = false;
  bool forced_ = false;
  // The console's last 15 minutes (proxy/status_history.h); on main_io_'s thread.
  StatusHistory history_{5};
  boost::asio::steady_timer history_timer_{main_io_};
  std::string last_reload_error_;     // the last refused reload's message; empty: none yet
  std::string last_reload_error_at_;  // when, ISO 8601 UTC
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  // On main_io_; declared after it so that it is destroyed first. Null without admin.listen.
  std::unique_ptr<AdminServer> admin_;
};

}  // namespace switchyard::proxy

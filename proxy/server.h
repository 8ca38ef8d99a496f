// The proxy process: a listener, N worker threads each running its own io_context, and the
// signal handling that drains sessions on SIGTERM/SIGINT.
//
// Accepted sockets are handed to workers round-robin; a session then lives on its worker's
// thread for its whole life, so sessions need no locks. The main thread runs the acceptor and
// signals.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "config/config.h"
#include "proxy/admin_server.h"
#include "proxy/session_context.h"

namespace switchyard::proxy {

class Server {
 public:
  explicit Server(std::shared_ptr<const Generation> generation);
  ~Server();

  // Binds the listener; false (with the reason logged) if it cannot.
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

  void accept();
  void on_signal(int signo);
  void wait_for_drain(std::chrono::steady_clock::time_point deadline);
  void close_all_sessions();
  void stop_workers();
  bool start_admin();

  SharedState shared_;
  boost::asio::io_context main_io_{1};
  boost::asio::ip::tcp::acceptor acceptor_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer drain_timer_;
  std::vector<std::unique_ptr<Worker>> workers_;
  size_t next_worker_ = 0;
  bool draining_ = false;
  bool forced_ = false;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  // On main_io_; declared after it so that it is destroyed first. Null without admin.listen.
  std::unique_ptr<AdminServer> admin_;
};

}  // namespace switchyard::proxy

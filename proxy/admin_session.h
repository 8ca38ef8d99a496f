// One admin HTTP connection (internal to admin_server.cpp and admin_session.cpp; see
// admin_server.h for the limits it enforces). Shaped as Beast's example/http/server/async
// session: its own strand, do_read / on_read pairs, `if (ec) return fail(ec, ...)`.
//
// A session reads a request in steps, each with its own deadline: on a kept-alive connection the
// first byte of the next request (kIdleTimeout), then the headers (kHeaderTimeout, counted from
// the connection's start for its first request), then the body (kBodyTimeout). Oversized headers
// are answered 431 and an oversized body 413, then the connection closes. Every close sends FIN
// and then reads and drops what the client still sends for up to kLinger, so that a response
// is not lost to the reset that closing with unread data would cause.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "proxy/admin_server.h"
#include "proxy/metrics.h"

namespace switchyard::proxy {

struct AdminHandlers {
  AdminServer::Snapshot snapshot;
  AdminServer::Reload reload;
  AdminServer::StartJob start_job;
  ListenerCounters* counters = nullptr;  // may be null
  void count(std::atomic<uint64_t> ListenerCounters::*member) const {
    if (counters != nullptr) (counters->*member).fetch_add(1, std::memory_order_relaxed);
  }
};

class AdminSession : public std::enable_shared_from_this<AdminSession> {
 public:
  AdminSession(boost::asio::ip::tcp::socket socket, std::shared_ptr<const AdminHandlers> handlers)
      : stream_(std::move(socket)), handlers_(std::move(handlers)) {}

  void start();
  // Thread-safe: closes the connection on the session's strand, cancelling what is pending.
  void close();
  // Thread-safe: whether it is waiting for a request or reading one (or lingering after its
  // last answer), i.e. whether closing it now loses no answer. Such a session may be evicted.
  bool waiting() const { return waiting_.load(std::memory_order_relaxed); }

 private:
  void do_read();
  void on_first_bytes(boost::beast::error_code ec, size_t bytes);
  void read_header();
  void on_header(boost::beast::error_code ec, size_t bytes);
  void on_body(boost::beast::error_code ec, size_t bytes);
  void handle();
  // Answers `status` with `body` and closes: for a request over a limit.
  void reject(int status, std::string body, std::atomic<uint64_t> ListenerCounters::*counter);
  void send(boost::beast::http::message_generator&& msg);
  void on_write(bool keep_alive, boost::beast::error_code ec, size_t bytes);
  void do_close();
  void on_linger(boost::beast::error_code ec, size_t bytes);
  void fail(boost::beast::error_code ec, const char* what);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<const AdminHandlers> handlers_;
  std::atomic<bool> waiting_{true};
  bool first_request_ = true;
  std::array<char, 4096> discard_{};
};

}  // namespace switchyard::proxy

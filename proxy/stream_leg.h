// One leg of a relayed session (client or upstream side): its TCP socket, and once the leg is
// encrypted, an OpenSSL connection over that socket. Not tied to a wire protocol.
//
// The seam between plaintext and TLS: a plaintext leg reads and writes the socket itself (one
// branch on a null pointer is all TLS adds); an encrypted leg drives OpenSSL straight on the
// socket's descriptor, as PgBouncer and libpq do, not through a memory BIO: its BIO (stream_leg.cpp)
// recv()s into OpenSSL's buffer and send()s from it, and read-ahead takes every record the
// socket holds in one recv. One addition: ciphertext a relay pump already read from the socket
// while it waited (proxy/relay_loop.h) is handed over with prefetched() and read by OpenSSL
// before the socket. OpenSSL may still hold bytes the socket no longer signals (a record read
// ahead, or the decrypted rest of one), so after a read that returned data,
// `drain_before_wait` says whether to read again before waiting, and `socket_emptied` whether
// the socket itself was left empty (proxy/reactor_hint.h).
//
// Contracts: the socket outlives the leg; one read and one write may be in flight at once (the
// two pumps), both on the session's thread; read_some and write_now are called only on a
// non-blocking socket. The TLS connection is created by start_tls() once the other side agreed
// to TLS ('S'), and stays until the session ends (no close_notify is sent: the session closes
// both sockets).
#pragma once

#include <openssl/ssl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <string_view>
#include <utility>

#include "proxy/reactor_hint.h"

namespace switchyard::proxy {

class StreamLeg {
 public:
  enum class Role { kClient, kServer };  // the TLS role this end of the leg plays

  explicit StreamLeg(boost::asio::ip::tcp::socket& socket) : socket_(socket) {}

  boost::asio::ip::tcp::socket& socket() { return socket_; }
  bool encrypted() const { return ssl_ != nullptr; }
  // REQUIRES: encrypted().
  SSL* ssl() { return ssl_.get(); }
  // Creates the TLS connection over the socket (async_handshake runs the handshake). `ctx` must
  // outlive the leg (the session holds its TlsContexts). Makes the socket non-blocking.
  void start_tls(boost::asio::ssl::context& ctx);
  // What a read that returned would_block waits for: readability, or writability when OpenSSL
  // must write first (a TLS 1.3 KeyUpdate answered inside SSL_read). Valid right after the read.
  boost::asio::socket_base::wait_type read_wait() const { return read_wants_write_ ? kWaitWrite : kWaitRead; }
  // Whether a read that returned data must be followed by another before waiting on the socket:
  // OpenSSL holds bytes of a record it read ahead.
  bool drain_before_wait() const { return ssl_ && (!prefetch_.empty() || SSL_has_pending(ssl_.get()) == 1); }
  // REQUIRES: encrypted(). Ciphertext read from the socket by someone else, for OpenSSL to read
  // first; `bytes` must stay valid until drain_before_wait() is false. `rest`: what the socket
  // held after the read that got them (proxy/reactor_hint.h).
  void prefetched(std::string_view bytes, Rest rest) {
    prefetch_ = bytes;
    socket_rest_ = rest;
  }
  // Whether the last recv from the socket left it empty: it returned EAGAIN, or bytes and Linux
  // reported nothing behind them, not even the peer's FIN (Rest::kEmpty, proxy/reactor_hint.h).
  // What OpenSSL holds is drain_before_wait's.
  bool socket_emptied() const { return socket_rest_ == Rest::kEmpty; }
  // Whether the last recv reported bytes or the peer's FIN behind what it returned: the next
  // read must come at once, no readiness edge will announce them again.
  bool socket_has_more() const { return socket_rest_ == Rest::kMore; }
  // Whether a read waits for writability (see read_wait).
  bool read_waits_for_write() const { return read_wants_write_; }

  // The TLS handshake in `role`; handler(error_code). REQUIRES: encrypted().
  template <typename Handler>
  void async_handshake(Role role, Handler&& handler) {
    if (role == Role::kClient) SSL_set_connect_state(ssl_.get());
    else SSL_set_accept_state(ssl_.get());
    handshake_step(std::forward<Handler>(handler));
  }

  // What the leg has now, without waiting; would_block when nothing.
  size_t read_some(boost::asio::mutable_buffer b, boost::system::error_code& ec) {
    return ssl_ ? tls_read(b, ec) : plain_read(b, ec);
  }
  // What the socket takes now, without waiting: the bytes written, 0 if it would block (`ec`
  // stays clear then) or on an error (`ec` set).
  size_t write_now(boost::asio::const_buffer b, boost::system::error_code& ec) {
    const size_t n = ssl_ ? tls_write(b, ec) : socket_.write_some(b, ec);
    if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
      ec = {};
      return 0;
    }
    return n;
  }
  // Reads at least one byte (waits for readability as often as needed); handler(ec, n).
  template <typename Handler>
  void async_read_some(boost::asio::mutable_buffer b, Handler&& handler) {
    if (!ssl_) return socket_.async_read_some(b, std::forward<Handler>(handler));
    boost::system::error_code ec;
    const size_t n = tls_read(b, ec);
    if (ec != boost::asio::error::would_block) {
      return boost::asio::post(socket_.get_executor(), [h = std::forward<Handler>(handler), ec, n]() mutable { h(ec, n); });
    }
    socket_.async_wait(read_wait(), [this, b, h = std::forward<Handler>(handler)](boost::system::error_code wec) mutable {
      if (wec) return h(wec, size_t{0});
      async_read_some(b, std::move(h));
    });
  }
  // Writes all of `b` (waits for writability as often as needed); handler(ec, n). `b` must stay
  // valid until the handler runs.
  template <typename Handler>
  void async_write(boost::asio::const_buffer b, Handler&& handler) {
    if (!ssl_) return boost::asio::async_write(socket_, b, std::forward<Handler>(handler));
    tls_write_rest(b, 0, std::forward<Handler>(handler));
  }

 private:
  friend struct LegBio;  // stream_leg.cpp: the BIO under the TLS connection

  struct SslFree {
    void operator()(SSL* s) const { SSL_free(s); }
  };

  static constexpr auto kWaitRead = boost::asio::socket_base::wait_read;
  static constexpr auto kWaitWrite = boost::asio::socket_base::wait_write;

  // One recv from a plaintext socket (recv_reporting_rest; sets socket_rest_); would_block
  // when nothing is there, eof at its end.
  size_t plain_read(boost::asio::mutable_buffer b, boost::system::error_code& ec);
  // One SSL_read or SSL_write; would_block when OpenSSL must wait for the socket (the *_wants_*
  // flags tell which way), eof or stream_truncated when the peer closed, an SSL error otherwise.
  size_t tls_read(boost::asio::mutable_buffer b, boost::system::error_code& ec);
  size_t tls_write(boost::asio::const_buffer b, boost::system::error_code& ec);
  // SSL_do_handshake once; error_code as tls_read's.
  boost::system::error_code handshake_once();
  // One OpenSSL call (`call` returns its int result, 1 on success) and what it means: an
  // error_code as above, and `wants_other_way` set when it waits for `other_way` (the WANT of the
  // readiness the call's own direction does not wait for).
  template <typename Call>
  boost::system::error_code ssl_call(Call call, int other_way, bool& wants_other_way);

  template <typename Handler>
  void handshake_step(Handler&& handler) {
    const boost::system::error_code ec = handshake_once();
    if (ec != boost::asio::error::would_block) {
      return boost::asio::post(socket_.get_executor(), [h = std::forward<Handler>(handler), ec]() mutable { h(ec); });
    }
    socket_.async_wait(handshake_wants_write_ ? kWaitWrite : kWaitRead, [this, h = std::forward<Handler>(handler)](boost::system::error_code wec) mutable {
      if (wec) return h(wec);
      handshake_step(std::move(h));
    });
  }

  template <typename Handler>
  void tls_write_rest(boost::asio::const_buffer b, size_t done, Handler&& handler) {
    while (done < b.size()) {
      boost::system::error_code ec;
      const size_t n = tls_write(boost::asio::buffer(static_cast<const char*>(b.data()) + done, b.size() - done), ec);
      if (ec == boost::asio::error::would_block) {
        socket_.async_wait(write_wants_read_ ? kWaitRead : kWaitWrite, [this, b, done, h = std::forward<Handler>(handler)](boost::system::error_code wec) mutable {
          if (wec) return h(wec, done);
          tls_write_rest(b, done, std::move(h));
        });
        return;
      }
      if (ec) {
        return boost::asio::post(socket_.get_executor(), [h = std::forward<Handler>(handler), ec, done]() mutable { h(ec, done); });
      }
      done += n;
    }
    boost::asio::post(socket_.get_executor(), [h = std::forward<Handler>(handler), done]() mutable { h({}, done); });
  }

  boost::asio::ip::tcp::socket& socket_;
  std::unique_ptr<SSL, SslFree> ssl_;
  // What the last would_block of each kind of call waits for: a read or the handshake may have
  // to write first, a write may have to read (kept apart: the two pumps use one leg each way).
  bool read_wants_write_ = false;
  bool write_wants_read_ = false;
  bool handshake_wants_write_ = false;
  // The BIO's state (stream_leg.cpp): ciphertext handed over by prefetched(), not read yet;
  // whether the last read from the socket came back short or would block; end of stream seen.
  std::string_view prefetch_;
  Rest socket_rest_ = Rest::kUnknown;  // after the last recv from the socket (EAGAIN: kEmpty)
  bool eof_ = false;
};

}  // namespace switchyard::proxy

// One leg of a relayed session (client or upstream side): its TCP socket, and once the leg is
// encrypted, the TLS stream over that socket. Not tied to a wire protocol.
//
// The seam between plaintext and TLS: a plaintext leg reads and writes the socket itself, as
// before TLS existed (one branch on a null pointer is all it adds); an encrypted leg goes
// through OpenSSL. Readiness is always waited for on the socket (socket().async_wait), but an
// encrypted leg may hold decrypted bytes, or ciphertext of a whole record, that the socket no
// longer signals: after a read that returned data, read again until would_block before waiting
// (see `drain_before_wait`).
//
// Contracts: the socket outlives the leg; one read and one write may be in flight at once (the
// two pumps), both on the session's thread; read_some is called only on a non-blocking socket.
// The TLS stream is created by start_tls() once the other side agreed to TLS ('S'), and stays
// until the session ends (no close_notify is sent: the session closes both sockets).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <memory>
#include <utility>

namespace switchyard::proxy {

using TlsStream = boost::asio::ssl::stream<boost::asio::ip::tcp::socket&>;

class StreamLeg {
 public:
  explicit StreamLeg(boost::asio::ip::tcp::socket& socket) : socket_(socket) {}

  boost::asio::ip::tcp::socket& socket() { return socket_; }
  bool encrypted() const { return tls_ != nullptr; }
  // REQUIRES: encrypted().
  TlsStream& tls() { return *tls_; }
  SSL* ssl() { return tls_->native_handle(); }
  // Creates the TLS stream over the socket (the handshake is the caller's). `ctx` must outlive
  // the leg (the session holds its TlsContexts).
  TlsStream& start_tls(boost::asio::ssl::context& ctx) {
    tls_ = std::make_unique<TlsStream>(socket_, ctx);
    return *tls_;
  }
  // Whether a read that returned data must be followed by another before waiting on the socket.
  bool drain_before_wait() const { return tls_ != nullptr; }

  size_t read_some(boost::asio::mutable_buffer b, boost::system::error_code& ec) {
    return tls_ ? tls_->read_some(b, ec) : socket_.read_some(b, ec);
  }
  template <typename Handler>
  void async_read_some(boost::asio::mutable_buffer b, Handler&& handler) {
    if (tls_) return tls_->async_read_some(b, std::forward<Handler>(handler));
    socket_.async_read_some(b, std::forward<Handler>(handler));
  }
  // What the socket takes now, without waiting: the bytes written, 0 if it would block (`ec`
  // stays clear then) or on an error (`ec` set). A TLS leg writes nothing here (0, no error):
  // OpenSSL's records over Asio's stream must not be left half flushed, so it always goes
  // through async_write. REQUIRES: the socket is non-blocking.
  size_t write_now(boost::asio::const_buffer b, boost::system::error_code& ec) {
    if (tls_) return 0;
    const size_t n = socket_.write_some(b, ec);
    if (ec == boost::asio::error::would_block || ec == boost::asio::error::try_again) {
      ec = {};
      return 0;
    }
    return n;
  }
  template <typename Handler>
  void async_write(boost::asio::const_buffer b, Handler&& handler) {
    if (tls_) return boost::asio::async_write(*tls_, b, std::forward<Handler>(handler));
    boost::asio::async_write(socket_, b, std::forward<Handler>(handler));
  }

 private:
  boost::asio::ip::tcp::socket& socket_;
  std::unique_ptr<TlsStream> tls_;
};

}  // namespace switchyard::proxy

// StreamLeg's OpenSSL calls; see stream_leg.h.
#include "proxy/stream_leg.h"

#include <openssl/err.h>

#include <boost/asio/ssl/error.hpp>
#include <cerrno>

namespace switchyard::proxy {

namespace asio = boost::asio;

namespace {

// What OpenSSL's SSL_get_error `err` means as an error_code, as Asio's own engine reports it
// (so messages and the eof / stream_truncated checks of relay_read.h are the same); would_block
// for the two WANTs, which the caller tells apart.
boost::system::error_code classify(int err, int saved_errno) {
  switch (err) {
    case SSL_ERROR_WANT_READ:
    case SSL_ERROR_WANT_WRITE:
      return asio::error::would_block;
    case SSL_ERROR_ZERO_RETURN:  // close_notify
      return asio::error::eof;
    case SSL_ERROR_SYSCALL:
      if (const unsigned long e = ERR_get_error()) return {static_cast<int>(e), asio::error::get_ssl_category()};
      if (saved_errno != 0) return {saved_errno, boost::system::system_category()};
      return asio::ssl::error::stream_truncated;  // the peer closed without close_notify
    default: {
      const unsigned long e = ERR_get_error();
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return asio::ssl::error::stream_truncated;
      return {static_cast<int>(e), asio::error::get_ssl_category()};
    }
  }
}

}  // namespace

void StreamLeg::start_tls(asio::ssl::context& ctx) {
  ssl_.reset(SSL_new(ctx.native_handle()));
  // Read-ahead: one recv takes every record the socket holds (drain_before_wait then sees them).
  // Partial writes: SSL_write returns once a record is out, so a full socket costs no copy.
  // Released buffers: an idle leg holds none of OpenSSL's two record buffers (about 34 KiB).
  SSL_set_read_ahead(ssl_.get(), 1);
  SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  SSL_set_fd(ssl_.get(), socket_.native_handle());  // a socket BIO that never closes the descriptor
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
}

size_t StreamLeg::tls_read(asio::mutable_buffer b, boost::system::error_code& ec) {
  size_t n = 0;
  ec = ssl_call([&] { return SSL_read_ex(ssl_.get(), b.data(), b.size(), &n); }, SSL_ERROR_WANT_WRITE, read_wants_write_);
  return ec ? 0 : n;
}

size_t StreamLeg::tls_write(asio::const_buffer b, boost::system::error_code& ec) {
  size_t n = 0;
  ec = ssl_call([&] { return SSL_write_ex(ssl_.get(), b.data(), b.size(), &n); }, SSL_ERROR_WANT_READ, write_wants_read_);
  return ec ? 0 : n;
}

boost::system::error_code StreamLeg::handshake_once() {
  return ssl_call([&] { return SSL_do_handshake(ssl_.get()); }, SSL_ERROR_WANT_WRITE, handshake_wants_write_);
}

template <typename Call>
boost::system::error_code StreamLeg::ssl_call(Call call, int other_way, bool& wants_other_way) {
  ERR_clear_error();  // SSL_get_error reads this thread's queue
  const int r = call();
  wants_other_way = false;
  if (r == 1) return {};
  const int saved_errno = errno;
  const int err = SSL_get_error(ssl_.get(), r);
  wants_other_way = err == other_way;
  return classify(err, saved_errno);
}

}  // namespace switchyard::proxy

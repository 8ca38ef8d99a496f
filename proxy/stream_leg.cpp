// StreamLeg's OpenSSL calls; see stream_leg.h.
#include "proxy/stream_leg.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <sys/socket.h>

#include <algorithm>
#include <boost/asio/ssl/error.hpp>
#include <cerrno>
#include <cstring>

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

// What the socket holds after the recv that gave `r`: nothing after EAGAIN, more after the end
// of stream (it reads again as the end).
Rest rest_after(const Received& r) {
  if (r.n < 0) return r.error == EAGAIN || r.error == EWOULDBLOCK ? Rest::kEmpty : Rest::kUnknown;
  if (r.n == 0) return Rest::kMore;
  return r.rest;
}

}  // namespace

// The BIO under a leg's TLS connection: a socket BIO on the leg's descriptor (non-blocking recv
// and send, retry flags on EAGAIN, end of stream reported to BIO_eof as OpenSSL 3 expects of a
// socket), which reads the leg's prefetched ciphertext first and notes whether each recv left
// the socket empty. It never closes the descriptor (the session does).
struct LegBio {
  static BIO_METHOD* method() {
    static BIO_METHOD* const m = [] {
      BIO_METHOD* made = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "switchyard leg");
      BIO_meth_set_read(made, &LegBio::read);
      BIO_meth_set_write(made, &LegBio::write);
      BIO_meth_set_ctrl(made, &LegBio::ctrl);
      return made;
    }();
    return m;
  }

  static StreamLeg& leg(BIO* b) { return *static_cast<StreamLeg*>(BIO_get_data(b)); }

  static int read(BIO* b, char* out, int len) {
    StreamLeg& l = leg(b);
    BIO_clear_retry_flags(b);
    if (len <= 0) return 0;
    if (!l.prefetch_.empty()) {
      const size_t n = std::min(l.prefetch_.size(), static_cast<size_t>(len));
      std::memcpy(out, l.prefetch_.data(), n);
      l.prefetch_.remove_prefix(n);
      return static_cast<int>(n);
    }
    const Received r = recv_reporting_rest(l.socket_.native_handle(), out, static_cast<size_t>(len));
    l.socket_rest_ = rest_after(r);
    if (r.n > 0) return static_cast<int>(r.n);
    if (r.n == 0) {
      l.eof_ = true;
      return 0;
    }
    if (l.socket_emptied()) BIO_set_retry_read(b);
    errno = r.error;  // for SSL_ERROR_SYSCALL's report
    return -1;
  }

  static int write(BIO* b, const char* in, int len) {
    BIO_clear_retry_flags(b);
    if (len <= 0) return 0;
    const ssize_t r = ::send(leg(b).socket_.native_handle(), in, static_cast<size_t>(len), MSG_NOSIGNAL);
    if (r >= 0) return static_cast<int>(r);
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) BIO_set_retry_write(b);
    return -1;
  }

  static long ctrl(BIO* b, int cmd, long, void* ptr) {
    switch (cmd) {
      case BIO_CTRL_FLUSH:
        return 1;
      case BIO_CTRL_EOF:
        return leg(b).eof_ ? 1 : 0;
      case BIO_C_GET_FD:
        if (ptr != nullptr) *static_cast<int*>(ptr) = leg(b).socket_.native_handle();
        return leg(b).socket_.native_handle();
      default:
        return 0;
    }
  }
};

void StreamLeg::start_tls(asio::ssl::context& ctx) {
  ssl_.reset(SSL_new(ctx.native_handle()));
  // Read-ahead: one recv takes every record the socket holds (drain_before_wait then sees them).
  // Partial writes: SSL_write returns once a record is out, so a full socket costs no copy.
  // Released buffers: an idle leg holds none of OpenSSL's two record buffers (about 34 KiB).
  SSL_set_read_ahead(ssl_.get(), 1);
  SSL_set_mode(ssl_.get(), SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
  BIO* bio = BIO_new(LegBio::method());
  BIO_set_data(bio, this);
  BIO_set_init(bio, 1);
  SSL_set_bio(ssl_.get(), bio, bio);  // one reference, for both directions
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
}

size_t StreamLeg::plain_read(asio::mutable_buffer b, boost::system::error_code& ec) {
  ec = {};
  if (b.size() == 0) return 0;
  const Received r = recv_reporting_rest(socket_.native_handle(), static_cast<char*>(b.data()), b.size());
  socket_rest_ = rest_after(r);
  if (r.n > 0) return static_cast<size_t>(r.n);
  if (r.n == 0) ec = asio::error::eof;
  else if (socket_emptied()) ec = asio::error::would_block;
  else ec = boost::system::error_code(r.error, asio::error::get_system_category());
  return 0;
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

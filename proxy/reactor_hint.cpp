// See reactor_hint.h: reads that know whether they left the socket empty, and what the reactor
// is told about it.
#include "proxy/reactor_hint.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <boost/version.hpp>
#include <cerrno>
#include <cstring>
#include <utility>

#if BOOST_VERSION == 108100 && defined(BOOST_ASIO_HAS_EPOLL) && !defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT) && \
    !defined(BOOST_ASIO_DISABLE_EPOLL)
#define SWITCHYARD_READ_DRY_HINT 1
#include <boost/asio/detail/epoll_reactor.hpp>
#include <boost/asio/detail/reactor_op.hpp>
#include <boost/asio/execution/context.hpp>
#include <boost/asio/query.hpp>
#endif

namespace switchyard::proxy {

bool enable_rest_reports(int fd) {
#ifdef TCP_INQ
  const int on = 1;
  return ::setsockopt(fd, IPPROTO_TCP, TCP_INQ, &on, sizeof on) == 0;
#else
  (void)fd;
  return false;
#endif
}

Received recv_reporting_rest(int fd, char* out, size_t len) {
  iovec iov{out, len};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
#ifdef TCP_CM_INQ
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
#endif
  Received r;
  do {
    r.n = ::recvmsg(fd, &msg, MSG_DONTWAIT);
  } while (r.n < 0 && errno == EINTR);
  if (r.n < 0) {
    r.error = errno;
    return r;
  }
#ifdef TCP_CM_INQ
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != IPPROTO_TCP || c->cmsg_type != TCP_CM_INQ) continue;
    int queued = 0;
    std::memcpy(&queued, CMSG_DATA(c), sizeof queued);
    r.rest = queued > 0 ? Rest::kMore : Rest::kEmpty;
  }
#endif
  return r;
}

#ifdef SWITCHYARD_READ_DRY_HINT

namespace {

namespace detail = boost::asio::detail;
using Reactor = detail::epoll_reactor;
using DescriptorState = Reactor::descriptor_state;
using SpeculativeFlags = bool (DescriptorState::*)[Reactor::max_ops];

// The pointer to DescriptorState::try_speculative_, which is private. An explicit template
// instantiation may name a private member ([temp.spec]/6 waives access checking there), and the
// friend function defined inside it hands the pointer out.
struct TrySpeculative {
  friend SpeculativeFlags member(TrySpeculative);
};
template <SpeculativeFlags M>
struct ExposeMember {
  friend SpeculativeFlags member(TrySpeculative) { return M; }
};
template struct ExposeMember<&DescriptorState::try_speculative_>;

// basic_socket's implementation, which is protected: a pointer to it is formed through a class
// derived from the socket (the pointer's type is still basic_socket's member), then applied to
// any socket; no object is cast to the derived class.
struct SocketImplementation : boost::asio::ip::tcp::socket {
  static auto& of(boost::asio::ip::tcp::socket& s) { return (s.*(&SocketImplementation::impl_)).get_implementation(); }
};

}  // namespace

bool mark_read_dry(boost::asio::ip::tcp::socket& socket) {
  DescriptorState* state = SocketImplementation::of(socket).reactor_data_;
  if (state == nullptr) return false;
  (state->*member(TrySpeculative{}))[Reactor::read_op] = false;
  return true;
}

bool read_dry_hint_supported() { return true; }

// The reactor operation: performed by the reactor (speculatively when the flag is set, else at
// the next readiness edge) with recv_reporting_rest, and completed through the scheduler like
// any of Asio's own. It carries no handler of its own: `on_done` and the owner it keeps alive.
struct ReactorRead::Op final : detail::reactor_op {
  Op() : reactor_op(boost::system::error_code(), &Op::perform, &Op::complete) {}

  static status perform(reactor_op* base) {
    Op& o = *static_cast<Op*>(base);
    const Received r = recv_reporting_rest(o.fd, o.buffer, o.size);
    if (r.n < 0) {
      if (r.error == EAGAIN || r.error == EWOULDBLOCK) return not_done;  // queued until the next edge
      o.ec_ = boost::system::error_code(r.error, boost::asio::error::get_system_category());
      return done;
    }
    if (r.n == 0) {
      o.ec_ = boost::asio::error::eof;
      return done_and_exhausted;  // as Asio's recv: nothing more will come
    }
    o.bytes_transferred_ = static_cast<size_t>(r.n);
    o.rest = r.rest;
    return r.rest == Rest::kEmpty ? done_and_exhausted : done;
  }

  // owner == nullptr: destroyed unperformed (the io_context is going away).
  static void complete(void* owner, detail::scheduler_operation* base, const boost::system::error_code&, std::size_t) {
    Op& o = *static_cast<Op*>(base);
    // Everything is taken out first: `on_done` may start the next read on this same object, and
    // releasing the owner may destroy it.
    std::shared_ptr<void> keep = std::move(o.owner);
    if (owner == nullptr) return;
    const boost::system::error_code ec = o.ec_;
    const size_t n = o.bytes_transferred_;
    const Rest rest = o.rest;
    o.on_done(keep, o.ctx, ec, n, rest);
  }

  Reactor* reactor = nullptr;
  int fd = -1;
  char* buffer = nullptr;
  size_t size = 0;
  std::shared_ptr<void> owner;
  void* ctx = nullptr;
  Done on_done = nullptr;
  Rest rest = Rest::kUnknown;
};

ReactorRead::ReactorRead() : op_(std::make_unique<Op>()) {}
ReactorRead::~ReactorRead() = default;

void ReactorRead::start(boost::asio::ip::tcp::socket& socket, char* buffer, size_t size, std::shared_ptr<void> owner,
                        void* ctx, Done done) {
  Op& o = *op_;
  if (o.reactor == nullptr) {
    o.reactor = &boost::asio::use_service<Reactor>(boost::asio::query(socket.get_executor(), boost::asio::execution::context));
  }
  o.ec_ = boost::system::error_code();
  o.bytes_transferred_ = 0;
  o.rest = Rest::kUnknown;
  o.fd = socket.native_handle();
  o.buffer = buffer;
  o.size = size;
  o.owner = std::move(owner);
  o.ctx = ctx;
  o.on_done = done;
  auto& impl = SocketImplementation::of(socket);
  // A closed socket (no descriptor state) completes at once with bad_descriptor.
  o.reactor->start_op(Reactor::read_op, impl.socket_, impl.reactor_data_, &o, /*is_continuation=*/false,
                      /*allow_speculative=*/true);
}

#else

bool mark_read_dry(boost::asio::ip::tcp::socket&) { return false; }
bool read_dry_hint_supported() { return false; }

struct ReactorRead::Op {};

ReactorRead::ReactorRead() = default;
ReactorRead::~ReactorRead() = default;

void ReactorRead::start(boost::asio::ip::tcp::socket& socket, char* buffer, size_t size, std::shared_ptr<void> owner,
                        void* ctx, Done done) {
  socket.async_read_some(boost::asio::buffer(buffer, size),
                         [owner = std::move(owner), ctx, done](const boost::system::error_code& ec, size_t n) {
                           done(owner, ctx, ec, n, Rest::kUnknown);
                         });
}

#endif

}  // namespace switchyard::proxy

// See reactor_hint.h: why and when a socket's read is marked dry.
#include "proxy/reactor_hint.h"

#include <boost/version.hpp>

#if BOOST_VERSION == 108100 && defined(BOOST_ASIO_HAS_EPOLL) && !defined(BOOST_ASIO_HAS_IO_URING_AS_DEFAULT) && \
    !defined(BOOST_ASIO_DISABLE_EPOLL)
#define SWITCHYARD_READ_DRY_HINT 1
#include <boost/asio/detail/epoll_reactor.hpp>
#endif

namespace switchyard::proxy {

#ifdef SWITCHYARD_READ_DRY_HINT

namespace {

using Reactor = boost::asio::detail::epoll_reactor;
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

#else

bool mark_read_dry(boost::asio::ip::tcp::socket&) { return false; }
bool read_dry_hint_supported() { return false; }

#endif

}  // namespace switchyard::proxy

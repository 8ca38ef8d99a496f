// A hint to Asio's epoll reactor that a socket was just read dry, so that the read queued next
// waits for the socket's next readiness edge without first trying a recv that can only return
// EAGAIN.
//
// Why: a relay waits for readability once per message in each direction. Asio's reactor offers
// two ways to wait, and each costs a system call beyond the one read a relay needs: async_wait
// re-arms the descriptor (epoll_ctl MOD) every time, and async_read_some first tries a
// "speculative" recv, which after a short read returns EAGAIN. The reactor skips that recv only
// when its per-descriptor try_speculative flag is clear, which it clears for sends that came back
// short but for reads only at end of stream, and sets again at every readiness event. A relay
// knows better when its last recv returned EAGAIN: the socket was empty at that moment, and any
// byte that arrives after it raises a new edge (Asio registers every socket with EPOLLET and
// EPOLLIN), which sets the flag again and runs the queued read. Clearing the flag after that
// loses no readiness. A recv that merely came back short is not enough: the peer's FIN may have
// been announced by the same edge as the bytes it returned (a server that sends its last
// message and closes), so the end of stream is there for the next recv and no edge will say so
// again; marking then left sessions waiting for ever on a closed peer (found by
// integration_fault, a PostgreSQL restart under pgbench).
//
// Contracts: call it on the thread that runs the socket's io_context (the reactor touches the
// flag under a descriptor lock, on that same thread here: every io_context of switchyard runs
// one thread), in the very handler where a read of `socket` returned would_block: never later,
// and never after a read that returned bytes. The mark must be made before the reactor can process another
// readiness event of the socket, since such an event (which sets the flag again) may have been
// the announcement of bytes that arrived after the read; an event processed after the mark
// clears it, and the next read is then speculative, as it must be. Only for a plaintext socket:
// a TLS leg's OpenSSL may hold bytes the socket no longer signals.
//
// This reaches into Boost.Asio's private epoll reactor state (the only way to say it), so it
// is compiled for one reviewed Boost version (1.81, Debian 12's) on the epoll reactor, and is a
// no-op returning false anywhere else: the read is then speculative, as Asio does it itself.
#pragma once

#include <boost/asio/ip/tcp.hpp>

namespace switchyard::proxy {

// True if the hint was given; false where it is compiled out or the socket is not registered.
bool mark_read_dry(boost::asio::ip::tcp::socket& socket);

// Whether this build gives the hint at all (for the benchmark's and the log's sake).
bool read_dry_hint_supported();

}  // namespace switchyard::proxy

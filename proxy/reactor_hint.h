// How a relay reads a socket with no system call it does not need, and without missing a FIN.
//
// A relay waits for readability once per message in each direction. Asio's reactor offers two
// ways to wait, and each costs a system call beyond the one read a relay needs: async_wait
// re-arms the descriptor (epoll_ctl MOD) every time, and async_read_some first tries a
// "speculative" recv, which after a read that emptied the socket can only return EAGAIN. The
// reactor skips that recv when its per-descriptor try_speculative flag is clear: it clears the
// flag when an operation reports itself done_and_exhausted (Asio's own recv does only at end
// of stream), and sets it again at every readiness event of the descriptor (every socket is
// registered with EPOLLET and EPOLLIN).
//
// Knowing that a recv emptied the socket is the hard part. A recv that came back short is not
// enough: the peer's FIN may have been announced by the same edge as the bytes it returned (a
// server that sends its last message and closes), the end of stream is then there for the next
// recv, and no edge will say so again (marking after a short read left sessions waiting for
// ever on a closed peer: integration_fault, a PostgreSQL restart under pgbench). Linux says it
// exactly: with TCP_INQ set on the socket, every recvmsg carries the number of bytes still
// queued after it, and 1 when only the FIN is (tcp_inq_hint). So:
//
// - recv_reporting_rest() is that recvmsg, and what is left after it (Rest): empty only when
//   nothing, not even the end of stream, was waiting when it returned. enable_rest_reports()
//   turns the reports on for a socket (the listener, so every client socket, and each
//   upstream socket).
// - ReactorRead is async_read_some done with that recvmsg: an operation of Asio's reactor that
//   reports done_and_exhausted when the recv left the socket empty, so the reactor itself clears
//   the flag under its descriptor lock, and the next read waits for the next edge without a
//   system call. Any byte or FIN that arrives after the recv raises a new edge, which sets the
//   flag again and performs the queued read. One operation object per pump, reused: no heap
//   allocation per read.
// - mark_read_dry() clears the flag from outside, for a read the relay made itself (a
//   non-blocking read_some) that returned EAGAIN or reported Rest::kEmpty. Contracts: call it on
//   the thread that runs the socket's io_context (every io_context of switchyard runs one
//   thread), in the very handler where that read was made, before the reactor can process
//   another readiness event of the socket (such an event, which sets the flag again, may
//   announce bytes that arrived after the read). Only for what the socket holds: a TLS leg's
//   OpenSSL may hold bytes the socket no longer signals, so a TLS leg is marked only when
//   OpenSSL holds none (RelayLoop).
//
// The reactor parts reach into Boost.Asio's detail layer (the only way to say it), so they are
// compiled for one reviewed Boost version (1.81, Debian 12's) on the epoll reactor; anywhere
// else ReactorRead is async_read_some, mark_read_dry a no-op returning false, and every read
// after one that was not known to fill the buffer is speculative, as Asio does it itself.
// Without TCP_INQ (not Linux, or a kernel before 4.18) every Rest is kUnknown, which marks
// nothing.
#pragma once

#include <sys/types.h>

#include <boost/asio/ip/tcp.hpp>
#include <cstddef>
#include <memory>

namespace switchyard::proxy {

// What a socket held right after a recv from it.
enum class Rest : unsigned char {
  kUnknown,  // not reported (no TCP_INQ)
  kEmpty,    // nothing: no byte, no end of stream
  kMore,     // bytes, or the peer's FIN
};

// Turns Rest reports on for socket `fd` (TCP_INQ); false if the system refused. A socket
// accepted from a listener that has them has them too.
bool enable_rest_reports(int fd);

struct Received {
  ssize_t n = 0;  // bytes; 0 at end of stream; -1 with `error` (errno: EAGAIN when nothing is there)
  int error = 0;
  Rest rest = Rest::kUnknown;
};
// One non-blocking recvmsg of at most `len` bytes from `fd`.
Received recv_reporting_rest(int fd, char* out, size_t len);

// True if the hint was given; false where it is compiled out or the socket is not registered.
bool mark_read_dry(boost::asio::ip::tcp::socket& socket);

// Whether this build gives the hint at all (for the benchmark's and the log's sake).
bool read_dry_hint_supported();

// async_read_some with Rest (see above). One read in flight at a time; start() again only from
// or after its completion. The owner is kept alive until the completion has run, and `done` is
// called with it on the socket's executor: done(owner, ctx, ec, bytes, rest). A read
// outstanding when the io_context is destroyed releases its owner without calling `done`.
class ReactorRead {
 public:
  using Done = void (*)(const std::shared_ptr<void>& owner, void* ctx, const boost::system::error_code& ec, size_t n,
                        Rest rest);
  ReactorRead();
  ~ReactorRead();
  ReactorRead(const ReactorRead&) = delete;
  ReactorRead& operator=(const ReactorRead&) = delete;

  void start(boost::asio::ip::tcp::socket& socket, char* buffer, size_t size, std::shared_ptr<void> owner, void* ctx,
             Done done);

 private:
  struct Op;
  std::unique_ptr<Op> op_;
};

}  // namespace switchyard::proxy

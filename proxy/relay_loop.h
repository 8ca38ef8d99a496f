// The loop of one relay direction, shared by both sessions' pumps (proxy/pg_pump.h,
// proxy/mysql_pump.h): wait until the source leg is readable, read what is there into a buffer of
// the worker's pool, hand it to the session to frame and inspect, write what the framing left to
// the other leg, repeat. Only the framing is the session's; the waiting, reading, writing and
// their failures are this loop's, the same for every wire protocol.
//
// - Reading: after a read that filled the buffer, left bytes in OpenSSL, or was told that more
//   (or the peer's FIN) is behind it, it reads again at once; otherwise it gives the buffer back
//   and waits, so an idle direction holds no pool buffer (proxy/relay_read.h). A leg waits by
//   reading: a ReactorRead into the pump's small WaitBuffer, which Asio's reactor performs when
//   the socket becomes readable. Every recv says what it left in the socket (TCP_INQ,
//   proxy/reactor_hint.h); one that left nothing, not even a FIN, makes the next wait cost no
//   system call until the socket's next readiness edge. A read that merely came back short
//   says nothing: the peer's FIN may have arrived in the same edge as its last bytes (a
//   server's FATAL and its close), and a wait that skipped the recv would never see the end (a
//   client then hung until killed: integration_fault). On a TLS leg the ciphertext read is
//   handed to OpenSSL, which reads it before the socket (StreamLeg::prefetched); only a TLS
//   read that must first write waits for writability (async_wait).
// - Writing: tried at once, non-blocking (StreamLeg::write_now): the socket nearly always takes
//   it all, and then no Asio operation is started for it; only what it did not take goes to
//   async_write, with `busy` set so that fail_to_client leaves the client leg to this write.
// - After a write: a session that started failing meanwhile sends its final error from here
//   (for the direction towards the client), a closed one stops, and the loop reads again; after
//   an in-line write with more to read it goes round the event loop (asio::post) rather than
//   down the stack.
//
// A Session provides: shared_from_this(), done(), failing(), close(reason), send_final_error(),
// pump_feed(pump, bytes) (frames them; calls RelayLoop::write when the session goes on) and
// relay_written(pump) (false: stop after this write, e.g. MySQL's COM_QUIT). A Pump provides:
// from, to (StreamLeg&), pool, in, waiting (WaitBuffer), full, busy, dir (Session::Dir),
// bytes_read, pending(), clear(), release_buffer(). Everything runs on the session's thread.
#pragma once

#include <boost/asio/post.hpp>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "proxy/reactor_hint.h"
#include "proxy/relay_read.h"

namespace switchyard::proxy {

template <typename Session, typename Pump>
struct RelayLoop {
  using Dir = std::remove_cv_t<decltype(Pump::dir)>;

  static const char* source(const Pump& p) { return p.dir == Dir::kToUpstream ? "client" : "upstream"; }
  static const char* target(const Pump& p) { return p.dir == Dir::kToUpstream ? "upstream" : "client"; }

  static void read(Session& s, Pump& p) {
    if (p.full) return read_now(s, p);  // the buffer came back full: more is probably there
    p.release_buffer();
    if (!p.from.read_waits_for_write()) {
      return p.waiting.read.start(p.from.socket(), p.waiting.bytes.data(), WaitBuffer::kBytes, s.shared_from_this(), &p,
                                  &RelayLoop::waited);
    }
    // OpenSSL must write before it can read on (a TLS 1.3 KeyUpdate answered inside SSL_read).
    p.from.socket().async_wait(p.from.read_wait(), [self = s.shared_from_this(), &p](boost::system::error_code ec) {
      if (self->done()) return;
      if (ec) return self->close(std::string(source(p)) + " wait: " + ec.message());
      read_now(*self, p);
    });
  }

  // The WaitBuffer's read completed (ReactorRead): `rest` is what the socket held after it.
  static void waited(const std::shared_ptr<void>& owner, void* pump, const boost::system::error_code& ec, size_t n, Rest rest) {
    Session& self = *static_cast<Session*>(owner.get());
    Pump& p = *static_cast<Pump*>(pump);
    if (self.done()) return;
    if (ec) return self.close(read_failure(ec, source(p)));
    if (p.from.encrypted()) {
      // Ciphertext: OpenSSL reads it before the socket (stream_leg.h).
      p.from.prefetched(std::string_view(p.waiting.bytes.data(), n), rest);
      return read_now(self, p);
    }
    if (rest == Rest::kMore || (rest == Rest::kUnknown && n == WaitBuffer::kBytes)) {
      // More is there (or may be): read it behind these into a pool buffer, to be written on as one.
      if (!p.in) p.in = p.pool.acquire();
      std::memcpy(p.in.get(), p.waiting.bytes.data(), n);
      return read_now(self, p, n);
    }
    // kEmpty: the reactor was told (done_and_exhausted), and the next read waits for the next
    // edge without a recv. kUnknown and short: the next read tries a recv first, since the
    // peer's FIN may have come in the same readiness edge as these bytes (reactor_hint.h).
    p.full = false;
    p.bytes_read += n;
    self.pump_feed(p, std::string_view(p.waiting.bytes.data(), n));
  }

  // `have`: bytes already in p.in (the WaitBuffer's, copied), read on behind.
  static void read_now(Session& s, Pump& p, size_t have = 0) {
    const ChunkRead r = read_chunk(p.from, p.pool, p.in, p.full, source(p), have);
    // The socket is dry when its last recv left nothing, not even a FIN, and OpenSSL holds no
    // bytes of a record either: the next wait then costs no recv (reactor_hint.h).
    if ((r.wait || !p.full) && r.error.empty() && p.from.socket_emptied() && !p.from.drain_before_wait()) {
      mark_read_dry(p.from.socket());
    }
    if (r.wait) return read(s, p);
    if (!r.error.empty()) return s.close(r.error);
    p.bytes_read += r.bytes;
    s.pump_feed(p, std::string_view(p.in.get(), r.bytes));
  }

  static void write(Session& s, Pump& p) {
    std::string_view bytes = p.pending();
    if (bytes.empty()) return read(s, p);
    boost::system::error_code ec;
    const size_t n = p.to.write_now(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec || n == bytes.size()) return written(s, p, ec, /*in_line=*/true);
    bytes.remove_prefix(n);
    p.busy = true;
    p.to.async_write(boost::asio::buffer(bytes.data(), bytes.size()),
                     [self = s.shared_from_this(), &p](boost::system::error_code wec, size_t) {
                       p.busy = false;
                       written(*self, p, wec, /*in_line=*/false);
                     });
  }

 private:
  // in_line: the write was done by write() itself, no Asio operation was in flight.
  static void written(Session& s, Pump& p, boost::system::error_code ec, bool in_line) {
    p.clear();
    if (s.failing()) {
      // fail_to_client left the client leg to this write: the final error goes out now.
      if (p.dir == Dir::kToClient && !in_line) s.send_final_error();
      return;
    }
    if (s.done()) return;
    if (ec) return s.close(std::string(target(p)) + " write: " + ec.message());
    if (!s.relay_written(p)) return;
    if (in_line && p.full) {
      return boost::asio::post(p.from.socket().get_executor(), [self = s.shared_from_this(), &p] {
        if (!self->done()) read(*self, p);
      });
    }
    read(s, p);
  }
};

}  // namespace switchyard::proxy

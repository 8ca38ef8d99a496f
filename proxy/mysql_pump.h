// One direction of a MySQL session's relay (see MySqlSession): waits until one leg is readable,
// reads what is there into a buffer of the worker's pool (proxy/buffer_pool.h), frames it with
// a mysql::StreamFramer, and writes the bytes to the other leg, then reads again. A chunk whose
// packets are all kept is written straight from the read buffer, so pass-through costs no copy;
// an idle direction holds no buffer. The shape of PgSession's pump (proxy/pg_pump.h) over
// MySQL's framing. Private to mysql_session.cpp and mysql_relay.cpp.
#pragma once

#include <string>
#include <string_view>

#include "protocol/mysql/stream_framer.h"
#include "proxy/buffer_pool.h"
#include "proxy/mysql_session.h"
#include "proxy/relay_output.h"
#include "proxy/relay_read.h"
#include "proxy/stream_leg.h"

namespace switchyard::proxy {

struct MySqlSession::Pump final : mysql::StreamCallbacks {
  // Packets up to this size are seen whole (commands, OK, ERR, column definitions, most rows);
  // longer ones stream, only their head seen: a server packet's first byte, a client packet's
  // first kLongHead bytes (a COM_STMT_EXECUTE's statement id and parameter types).
  static constexpr size_t kCaptureBytes = 64 * 1024;
  static constexpr size_t kLongHead = 4096;

  Pump(MySqlSession& s, Dir d, StreamLeg& src, StreamLeg& dst, BufferPool& p)
      : session(s), dir(d), from(src), to(dst), framer(kCaptureBytes), pool(p) {
    if (d == Dir::kToUpstream) framer.set_long_head(kLongHead);
  }
  ~Pump() {
    pool.release(std::move(in));
    release(framer.held());  // a packet left half assembled
  }

  void on_passthrough(std::string_view bytes) override { output.passthrough(bytes); }
  bool inspect(uint8_t seq, std::string_view payload) override { return session.inspect(*this, seq, payload, true); }
  void on_replace(uint8_t, std::string_view) override { session.replace(*this); }
  bool on_long_packet(uint8_t seq, std::string_view head, size_t chunk_length) override {
    long_chunk = chunk_length;
    return session.inspect(*this, seq, head, false);
  }
  bool hold(size_t bytes) override { return session.hold_assembly(bytes); }
  void release(size_t bytes) override { session.release_assembly(bytes); }

  void release_buffer() { pool.release(std::move(in)); }
  std::string_view pending() const { return output.pending(); }
  void clear() { output.clear(); }

  MySqlSession& session;
  const Dir dir;
  StreamLeg& from;
  StreamLeg& to;
  mysql::StreamFramer framer;
  BufferPool& pool;
  BufferPool::Buffer in;  // read buffer, held from a read until its bytes are written on
  bool full = false;      // the last read filled `in` (or, through TLS, returned data)
  WaitBuffer waiting;     // what a waiting plaintext direction reads into (proxy/relay_read.h)
  RelayOutput output;     // what is written next: straight from `in`, or copied
  std::string replacement;  // wire bytes in place of the packet inspect() replaced (may be none)
  size_t long_chunk = 0;    // a long packet's first chunk's payload length (its head is inspected)
  bool busy = false;        // a write to `to` is in flight
  uint64_t bytes_read = 0;  // bytes read from `from`
};

}  // namespace switchyard::proxy

// One direction of a PostgreSQL session's relay (see PgSession): waits until one socket is
// readable, reads what is there into a buffer of the worker's pool, frames it, and writes the
// result to the other. Bytes of messages nobody captures are written straight from the read
// buffer when a chunk holds nothing else, so pass-through costs no copy. While the direction is
// idle it holds no buffer (proxy/buffer_pool.h): an idle session costs a few KiB, not 64.
// Reads and writes go through each side's StreamLeg (proxy/stream_leg.h): the socket itself on
// a plaintext leg, OpenSSL on an encrypted one.
// Private to pg_session.cpp, pg_relay.cpp and pg_pump.cpp.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/pg/framer.h"
#include "proxy/buffer_pool.h"
#include "proxy/pg_session.h"
#include "proxy/relay_output.h"
#include "proxy/relay_read.h"
#include "proxy/stream_leg.h"

namespace switchyard::proxy {

// `out` and `direct` (RelayOutput): what is written next, straight from `in` or copied.
struct PgSession::Pump final : pg::FramerCallbacks, RelayOutput {
  static constexpr size_t kReadChunk = BufferPool::kBufferSize;

  Pump(PgSession& s, Dir d, StreamLeg& src, StreamLeg& dst, pg::Framer f, BufferPool& p)
      : session(s), dir(d), from(src), to(dst), framer(std::move(f)), pool(p) {}
  ~Pump() {
    pool.release(std::move(in));
    release(held);  // a message left half assembled
  }

  void on_passthrough(std::string_view bytes) override { passthrough(bytes); }
  // The Framer asks inspect(), then, if it said so, calls on_message() at the message's place
  // in the stream: the session's answer waits in `replacement` for exactly that long.
  bool inspect(char type, std::string_view body) override {
    Replacement r = session.inspect(*this, type, body);
    if (!r) return false;  // kept: nothing to hold
    replacement = std::move(*r);
    return true;
  }
  void on_message(char, std::string_view) override {
    materialize();
    out.append(replacement);
    if (replacement.capacity() > kKeepOut) std::string().swap(replacement);
    else replacement.clear();
  }
  bool hold(size_t bytes) override;      // from the process-wide budget (pg_pump.cpp)
  void release(size_t bytes) override;
  // After a write: nothing points into `in` or `out` any more.
  void clear() {
    RelayOutput::clear();
    framer.trim();
  }
  void release_buffer() { pool.release(std::move(in)); }

  PgSession& session;
  const Dir dir;
  StreamLeg& from;
  StreamLeg& to;
  pg::Framer framer;
  BufferPool& pool;
  BufferPool::Buffer in;  // read buffer, held from a read until its bytes are written on;
                          // `direct` may point into it until the write completes
  bool full = false;      // the last read filled `in` (or, through TLS, returned data): more may be waiting
  WaitBuffer waiting;     // what a waiting plaintext direction reads into (proxy/relay_read.h)
  size_t held = 0;        // bytes of a message being assembled, drawn from the budget
  std::string replacement;  // between inspect() and on_message(), see above
  bool busy = false;      // a write to `to` is in flight
  uint64_t bytes_read = 0;  // bytes read from `from`
};

}  // namespace switchyard::proxy

// One non-blocking read of a relay pump, shared by both sessions' pumps (pg_pump.cpp,
// mysql_relay.cpp): into the pump's buffer from the worker's pool (taken if it has none), what
// the leg has now, and whether more is probably waiting (the buffer came back full, or the leg
// is TLS, where OpenSSL may hold bytes the socket no longer signals: proxy/stream_leg.h).
// REQUIRES: the leg's socket is non-blocking.
#pragma once

#include <boost/asio/ssl/error.hpp>
#include <array>
#include <string>

#include "proxy/buffer_pool.h"
#include "proxy/reactor_hint.h"
#include "proxy/stream_leg.h"

namespace switchyard::proxy {

struct ChunkRead {
  size_t bytes = 0;   // read into the buffer
  bool wait = false;  // nothing there now: wait for readability
  std::string error;  // the peer left or the read failed: why, to close the session with
};

// The small buffer a waiting direction reads into (RelayLoop::read), and the read into it: the
// wait for readability and the read are then one operation of Asio's reactor, which costs one
// recv and no epoll_ctl (a bare wait re-arms the descriptor every time), and none at all while
// the socket is known to be empty (proxy/reactor_hint.h). On a TLS leg the bytes are
// ciphertext, handed to OpenSSL. Most messages fit (a query, a Bind/Execute/Sync, a short
// reply); on a plaintext leg a chunk with more behind it is followed by a read into a pool
// buffer. Part of every pump, so an idle session costs kBytes per direction rather than a pool
// buffer.
struct WaitBuffer {
  static constexpr size_t kBytes = 1024;
  std::array<char, kBytes> bytes;
  ReactorRead read;
};

// The session's reason for a read that failed on `side`.
inline std::string read_failure(const boost::system::error_code& ec, const char* side) {
  namespace asio = boost::asio;
  // A TLS peer that closes its socket without close_notify reads as stream_truncated.
  const bool eof = ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated;
  return eof ? std::string(side) + " closed the connection" : std::string(side) + " read: " + ec.message();
}

// Reads into `in` behind the `have` bytes it already holds (REQUIRES: in, if have > 0). `bytes`
// counts those too; neither `wait` nor `error` while there are some.
inline ChunkRead read_chunk(StreamLeg& from, BufferPool& pool, BufferPool::Buffer& in, bool& full, const char* side, size_t have = 0) {
  namespace asio = boost::asio;
  if (!in) in = pool.acquire();
  ChunkRead r;
  boost::system::error_code ec;
  r.bytes = have + from.read_some(asio::buffer(in.get() + have, BufferPool::kBufferSize - have), ec);
  if (have > 0 && ec) {
    // Nothing more now, or the peer left (or failed) right behind those bytes: they are relayed
    // first. After an end or an error the next read must come at once (`full`) and meet it
    // again: no readiness edge would announce it a second time.
    full = !(ec == asio::error::would_block || ec == asio::error::try_again);
    r.bytes = have;
    return r;
  }
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    full = false;
    r.wait = true;
    return r;
  }
  if (ec) {
    r.error = read_failure(ec, side);
    return r;
  }
  full = r.bytes == BufferPool::kBufferSize || from.drain_before_wait() || from.socket_has_more();
  return r;
}

}  // namespace switchyard::proxy

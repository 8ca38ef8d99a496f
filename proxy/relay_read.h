// One non-blocking read of a relay pump, shared by both sessions' pumps (pg_pump.cpp,
// mysql_relay.cpp): into the pump's buffer from the worker's pool (taken if it has none), what
// the leg has now, and whether more is probably waiting (the buffer came back full, or the leg
// is TLS, where OpenSSL may hold bytes the socket no longer signals: proxy/stream_leg.h).
// REQUIRES: the leg's socket is non-blocking.
#pragma once

#include <boost/asio/ssl/error.hpp>
#include <string>

#include "proxy/buffer_pool.h"
#include "proxy/stream_leg.h"

namespace switchyard::proxy {

struct ChunkRead {
  size_t bytes = 0;   // read into the buffer
  bool wait = false;  // nothing there now: wait for readability
  std::string error;  // the peer left or the read failed: why, to close the session with
};

inline ChunkRead read_chunk(StreamLeg& from, BufferPool& pool, BufferPool::Buffer& in, bool& full, const char* side) {
  namespace asio = boost::asio;
  if (!in) in = pool.acquire();
  ChunkRead r;
  boost::system::error_code ec;
  r.bytes = from.read_some(asio::buffer(in.get(), BufferPool::kBufferSize), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    full = false;
    r.wait = true;
    return r;
  }
  if (ec) {
    // A TLS peer that closes its socket without close_notify reads as stream_truncated.
    const bool eof = ec == asio::error::eof || ec == asio::error::connection_reset || ec == asio::ssl::error::stream_truncated;
    r.error = eof ? std::string(side) + " closed the connection" : std::string(side) + " read: " + ec.message();
    return r;
  }
  full = r.bytes == BufferPool::kBufferSize || from.drain_before_wait();
  return r;
}

}  // namespace switchyard::proxy

// One direction of a PostgreSQL session's relay (see PgSession): reads chunks from one socket,
// frames them, and writes the result to the other. Bytes of messages nobody captures are
// written straight from the read buffer when a chunk holds nothing else, so pass-through costs
// no copy. Private to pg_session.cpp and pg_relay.cpp.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/pg/framer.h"
#include "proxy/pg_session.h"

namespace switchyard::proxy {

struct PgSession::Pump final : pg::FramerCallbacks {
  static constexpr size_t kReadChunk = 32 * 1024;

  Pump(PgSession& s, Dir d, boost::asio::ip::tcp::socket& src, boost::asio::ip::tcp::socket& dst, pg::Framer f)
      : session(s), dir(d), from(src), to(dst), framer(std::move(f)), in(kReadChunk) {}

  void on_passthrough(std::string_view bytes) override {
    if (out.empty() && direct.empty()) {
      direct = bytes;
      return;
    }
    materialize();
    out.append(bytes);
  }
  bool inspect(char type, std::string_view body) override { return session.inspect(*this, type, body); }
  void on_message(char type, std::string_view body) override {
    materialize();
    session.replace(*this, type, body);
  }
  // Moves a pending zero-copy run into `out`, to keep the stream's order when more follows.
  void materialize() {
    out.append(direct);
    direct = {};
  }
  std::string_view pending() const { return out.empty() ? direct : std::string_view(out); }
  void clear() {
    out.clear();
    direct = {};
  }

  PgSession& session;
  const Dir dir;
  boost::asio::ip::tcp::socket& from;
  boost::asio::ip::tcp::socket& to;
  pg::Framer framer;
  std::vector<char> in;   // read buffer; `direct` may point into it until the write completes
  std::string out;        // bytes to write when not written straight from `in`
  std::string_view direct;
  bool busy = false;      // a write to `to` is in flight
  uint64_t bytes_read = 0;  // bytes read from `from`
};

}  // namespace switchyard::proxy

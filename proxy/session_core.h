// What every client session holds from accept to close, whatever its wire protocol: the two
// sockets and their legs (TLS once agreed), a timer, the generation and TLS contexts it started
// with, and its place in the process's session counts. PgSession and MySqlSession derive from it,
// so the bookkeeping every session shares is written once.
//
// Threading: as Session's; everything here is touched on the session's worker thread only.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "proxy/session.h"
#include "proxy/session_context.h"
#include "proxy/stream_leg.h"

namespace switchyard::proxy {

class SessionCore : public Session {
 public:
  uint64_t id() const override { return id_; }

 protected:
  // Counts the session as active (until the destructor) and takes the current generation.
  SessionCore(boost::asio::ip::tcp::socket client, SessionContext& ctx, uint64_t id);
  ~SessionCore() override;

  // At start(): Nagle off on the client socket, and the debug line naming the peer.
  void note_accepted();
  // After the client leg's TLS handshake: true if it succeeded (logged at debug level); else the
  // failure is counted and the session closed with the reason, and false.
  bool client_handshake_done(const boost::system::error_code& ec);

  boost::asio::ip::tcp::socket client_;
  boost::asio::ip::tcp::socket upstream_;
  StreamLeg client_leg_{client_};  // reads and writes of the client, through TLS once agreed
  StreamLeg upstream_leg_{upstream_};
  boost::asio::steady_timer timer_;
  SessionContext& ctx_;
  const uint64_t id_;
  std::shared_ptr<const Generation> gen_;  // the configuration this session runs under
  // The TLS contexts the session started with: its streams use them for its whole life, even
  // after it adopts a later generation.
  std::shared_ptr<TlsContexts> tls_;
  const std::chrono::steady_clock::time_point started_;
};

}  // namespace switchyard::proxy

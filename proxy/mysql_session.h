// One MySQL / MariaDB client session relayed to its own upstream connection.
//
// Lifecycle (one switch over State): kConnecting opens the upstream first (connect_timeout_ms);
// kGreeting reads the server's v10 greeting and relays it with what a relay cannot honour
// masked (compression, MySQL 8's query attributes and optional metadata, MariaDB's metadata
// cache and COM_MULTI, and CLIENT_SSL unless TLS is possible on both legs); kHandshake reads
// the client's first packet: an SSLRequest makes both legs TLS (mysql_tls.cpp: the handshake
// with the client, the SSLRequest forwarded upstream and the handshake with the server), then
// the HandshakeResponse41 is forwarded unchanged. kAuth relays the rest of the authentication
// (AuthSwitchRequest, AuthMoreData, caching_sha2_password's RSA exchange, ed25519) byte for byte
// until the server's OK or ERR, never knowing a password; kCommand relays commands and replies,
// followed by a mysql::ReplyTracker so that the client's packets can be checked (a command
// starts at sequence id 0; LOCAL INFILE data and COM_CHANGE_USER answers only when the server
// asked). kFailing: a final ERR is on its way to the client. kClosed.
//
// The greeting and the client's first packets are read by the session itself (small, bounded);
// from kAuth on two pumps (mysql_relay.cpp) stream bytes through a mysql::StreamFramer, so a
// 64 MB row or a 16 MiB continuation chain costs one read buffer. The connection id the client
// sees is the server's (the greeting is relayed), so KILL QUERY from another session works.
//
// Threading: a session lives on the io_context of one worker thread and is touched only there.
// It keeps itself alive through shared_from_this() in its pending handlers.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "protocol/mysql/framer.h"
#include "protocol/mysql/handshake.h"
#include "protocol/mysql/reply_tracker.h"
#include "proxy/relay_loop.h"
#include "proxy/session_core.h"

namespace switchyard::proxy {

class MySqlSession final : public SessionCore, public std::enable_shared_from_this<MySqlSession> {
 public:
  MySqlSession(boost::asio::ip::tcp::socket client, SessionContext& ctx, uint64_t id);
  ~MySqlSession() override;

  void start() override;
  void close(std::string_view reason) override;

 private:
  enum class State { kConnecting, kGreeting, kHandshake, kAuth, kCommand, kFailing, kClosed };
  enum class Dir { kToUpstream = 0, kToClient = 1 };
  struct Pump;  // mysql_relay.cpp

  // mysql_session.cpp: the connection phase up to the client's HandshakeResponse41.
  void connect_upstream();
  void on_upstream_connected();
  // Reads from `leg` until hello_buf_ holds one whole packet, then calls `next` with its
  // sequence id and payload; hello_buf_ keeps what follows it.
  using HelloStep = void (MySqlSession::*)(uint8_t seq, std::string payload);
  void read_hello_packet(StreamLeg& leg, HelloStep next, const char* side);
  void on_greeting(uint8_t seq, std::string payload);
  void on_client_hello(uint8_t seq, std::string payload);
  // mysql_tls.cpp: the client's SSLRequest answered by TLS on both legs, then the client's
  // HandshakeResponse41 read over TLS.
  void start_tls_both_legs(uint8_t seq, std::string ssl_request);
  // The SSLRequest packet to the server, then the TLS handshake on the upstream leg, then `then`.
  void upstream_tls(std::shared_ptr<std::string> ssl_request, std::function<void()> then);
  // A plaintext client's HandshakeResponse41 (sequence id `seq`) with a TLS upstream: the proxy's
  // own SSLRequest takes `seq` upstream, the response follows over TLS one id later, and the
  // server's ids run one ahead of the client's until authentication ends (seq_shift_).
  void plaintext_client_tls_upstream(uint8_t seq, std::string response_payload, const mysql::HandshakeResponse41& response);
  bool client_tls_admits(uint8_t seq);

  // mysql_relay.cpp: the pumps, from kAuth on.
  void start_pumps();  // with hello_buf_'s bytes (pipelined behind the response) fed first
  void pump_feed(Pump& p, std::string_view data);
  bool frame(Pump& p, std::string_view data);  // false: the session is failing or closed
  // For RelayLoop (proxy/relay_loop.h), which runs the pumps.
  friend struct RelayLoop<MySqlSession, Pump>;
  using Loop = RelayLoop<MySqlSession, Pump>;
  bool failing() const { return state_ == State::kFailing; }
  bool relay_written(Pump& p);  // false after COM_QUIT went up: both legs close
  // What a pump's framer shows: a whole small packet (true: replace it, never done today) or a
  // long packet's first byte. The client's and the server's, by phase.
  bool inspect(Pump& p, uint8_t seq, std::string_view payload, bool whole);
  // A packet of the authentication exchange renumbered by seq_shift_, at its place in the stream.
  void shifted_packet(Pump& p, uint8_t seq, std::string_view payload);
  void client_packet(uint8_t seq, std::string_view payload, bool whole);
  void server_packet(uint8_t seq, std::string_view payload, bool whole);
  void authenticated();
  bool hold_assembly(size_t bytes);
  void release_assembly(size_t bytes);

  // Sends an ERR packet (sequence id `seq`) to the client, then closes. Safe in any state:
  // while relaying, the upstream->client pump (the only writer to the client) sends it when idle.
  void fail_to_client(uint16_t code, std::string_view sql_state, std::string message, uint8_t seq);
  void send_final_error();
  bool done() const { return state_ == State::kFailing || state_ == State::kClosed; }
  const config::Config& cfg() const { return gen_->config; }
  void arm_deadline(std::chrono::milliseconds after, const char* what);

  State state_ = State::kConnecting;

  // Connection phase: one packet at a time (greeting, SSLRequest, HandshakeResponse41).
  std::string hello_buf_;
  uint32_t server_capabilities_ = 0;  // as relayed to the client, masked
  uint32_t server_mariadb_capabilities_ = 0;
  uint8_t greeting_charset_ = 0;
  bool server_offers_tls_ = false;  // CLIENT_SSL in the server's own greeting, before masking
  // Upstream sequence id minus the client's during kAuth (1 when the proxy sent an SSLRequest
  // the client did not: plaintext_client_tls_upstream), else 0.
  uint8_t seq_shift_ = 0;
  std::string user_, database_;

  // Command phase.
  std::unique_ptr<Pump> to_upstream_;
  std::unique_ptr<Pump> to_client_;
  std::optional<mysql::ReplyTracker> replies_;  // capabilities both sides agreed on
  uint32_t capabilities_ = 0;
  bool quit_ = false;  // COM_QUIT relayed: close once it is written

  std::string final_error_;  // the ERR packet sent to the client before closing
  std::string close_reason_;
};

}  // namespace switchyard::proxy

// MySQL session: lifecycle, the upstream connection and the connection phase up to the
// client's HandshakeResponse41; see mysql_session.h. The relay is in mysql_relay.cpp, TLS in
// mysql_tls.cpp.
#include "proxy/mysql_session.h"

#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "protocol/mysql/coding.h"
#include "protocol/mysql/constants.h"
#include "protocol/mysql/handshake.h"
#include "protocol/mysql/response.h"
#include "proxy/reactor_hint.h"
#include "proxy/mysql_errors.h"
#include "proxy/mysql_pump.h"
#include "proxy/tls_context.h"
#include "proxy/upstream_connect.h"
#include "rewrite/mysql/dialect.h"
#include "rewrite/mysql/session_settings.h"

namespace switchyard::proxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// How long a client has from its TCP connection to the end of authentication, as
// PgSession's startup minute.
constexpr auto kLoginTimeout = std::chrono::seconds(60);
// The connection phase's packets are small: a greeting, an SSLRequest, a HandshakeResponse41
// with its connection attributes (the server caps those at 64 KiB).
constexpr size_t kMaxHelloPayload = 1 << 20;

// What a relay cannot honour, cleared in the greeting: compression (the relay does not
// decompress), MySQL 8's query attributes and optional result set metadata and MariaDB's
// metadata cache and COM_MULTI (the reply tracker needs every result set's column definitions
// and plain commands). CLIENT_SSL too unless TLS is possible on both legs.
constexpr uint32_t kMaskedCapabilities = mysql::cap::kCompress | mysql::cap::kZstdCompression |
                                         mysql::cap::kQueryAttributes | mysql::cap::kOptionalResultsetMetadata;
constexpr uint32_t kMaskedMariaDbCapabilities = mysql::mariadb_cap::kCacheMetadata | mysql::mariadb_cap::kComMulti;

}  // namespace

MySqlSession::MySqlSession(tcp::socket client, SessionContext& ctx, uint64_t id)
    : SessionCore(std::move(client), ctx, id), plans_(ctx, rewrite::mysql::dialect(), id) {
  lexical_.unfollowed = "sent before switchyard read the session's sql_mode";  // asked after authentication
}

MySqlSession::~MySqlSession() { ctx_.shared.prepared_text_bytes.fetch_sub(prepared_bytes_, std::memory_order_relaxed); }

void MySqlSession::start() {
  note_accepted();
  connect_upstream();
}

void MySqlSession::arm_deadline(std::chrono::milliseconds after, const char* what) {
  timer_.expires_after(after);
  timer_.async_wait([self = shared_from_this(), what](boost::system::error_code ec) {
    if (ec || self->done() || self->state_ == State::kCommand) return;
    if (self->state_ == State::kConnecting || self->state_ == State::kGreeting) {
      boost::system::error_code ignored;
      self->upstream_.close(ignored);  // the pending operation then fails with operation_aborted
      return;
    }
    self->close(what);
  });
}

void MySqlSession::connect_upstream() {
  arm_deadline(std::chrono::milliseconds(cfg().limits.connect_timeout_ms), "connect timeout");
  connect_upstream_socket(upstream_, cfg().upstream, [self = shared_from_this()](boost::system::error_code ec) {
    if (self->done()) return;
    if (ec) {
      return self->fail_to_client(kCantConnect, "HY000", "switchyard: cannot connect to upstream " +
                                                            self->cfg().upstream.to_string() + ": " + ec.message(), 0);
    }
    self->on_upstream_connected();
  });
}

void MySqlSession::on_upstream_connected() {
  boost::system::error_code ec;
  upstream_.set_option(tcp::no_delay(true), ec);
  enable_rest_reports(upstream_.native_handle());
  state_ = State::kGreeting;  // still bounded by connect_timeout_ms
  read_hello_packet(upstream_leg_, &MySqlSession::on_greeting, "upstream");
}

void MySqlSession::read_hello_packet(StreamLeg& leg, HelloStep next, const char* side) {
  if (hello_buf_.size() >= 4) {
    const auto* h = reinterpret_cast<const unsigned char*>(hello_buf_.data());
    const size_t len = static_cast<size_t>(mysql::get_int(h, 3));
    if (len > kMaxHelloPayload)
      return fail_to_client(kNetPacketTooLarge, "08S01", std::string("switchyard: a connection-phase packet from the ") +
                                                              side + " longer than " + std::to_string(kMaxHelloPayload) + " bytes",
                            static_cast<uint8_t>(h[3] + 1));
    if (hello_buf_.size() >= 4 + len) {
      const uint8_t seq = h[3];
      std::string payload = hello_buf_.substr(4, len);
      hello_buf_.erase(0, 4 + len);
      return (this->*next)(seq, std::move(payload));
    }
  }
  // From the client, never a byte past the packet: a client sends its TLS ClientHello right
  // behind its SSLRequest (nothing answers an SSLRequest), and those bytes are OpenSSL's to read.
  size_t want = 4096;
  if (&leg == &client_leg_) {
    want = hello_buf_.size() < 4
               ? 4 - hello_buf_.size()
               : 4 + static_cast<size_t>(mysql::get_int(reinterpret_cast<const unsigned char*>(hello_buf_.data()), 3)) -
                     hello_buf_.size();
  }
  const size_t old = hello_buf_.size();
  hello_buf_.resize(old + want);
  leg.async_read_some(asio::buffer(hello_buf_.data() + old, want),
                      [self = shared_from_this(), &leg, next, side, old](boost::system::error_code ec, size_t n) {
                        self->hello_buf_.resize(old + n);
                        if (self->done()) return;
                        if (ec) {
                          if (&leg == &self->upstream_leg_)
                            return self->fail_to_client(kHandshakeError, "08S01", "switchyard: upstream " +
                                                            self->cfg().upstream.to_string() + " closed during the handshake: " +
                                                            ec.message(), 0);
                          return self->close(ec == asio::error::eof ? "client closed during the handshake"
                                                                    : "client read: " + ec.message());
                        }
                        self->read_hello_packet(leg, next, side);
                      });
}

void MySqlSession::on_greeting(uint8_t seq, std::string payload) {
  timer_.cancel();
  if (!hello_buf_.empty())
    return fail_to_client(kHandshakeError, "08S01", "switchyard: upstream sent bytes behind its greeting", 0);
  auto out = std::make_shared<std::string>();
  if (mysql::is_err_packet(payload)) {
    // Too many connections, host blocked, ...: the server's own words reach the client.
    spdlog::info("session={} upstream refused the connection", id_);
    mysql::encode_packet(*out, seq, payload);
    state_ = State::kFailing;
    close_reason_ = "upstream refused the connection";
    final_error_ = std::move(*out);
    return send_final_error();
  }
  auto hs = mysql::decode_handshake_v10(payload);
  if (!hs)
    return fail_to_client(kHandshakeError, "08S01", "switchyard: invalid greeting from upstream: " + std::string(hs.error), 0);
  mysql::HandshakeV10 greeting = *hs;
  server_offers_tls_ = (greeting.capabilities & mysql::cap::kSsl) != 0;
  const bool tls_possible = tls_ && tls_->client && tls_->upstream && (greeting.capabilities & mysql::cap::kSsl);
  if (tls_ && tls_->upstream && tls_->upstream_settings.required() && !(greeting.capabilities & mysql::cap::kSsl))
    return fail_to_client(kHandshakeError, "08S01", "switchyard: upstream " + cfg().upstream.to_string() +
                                                        " does not offer TLS, and upstream_tls.mode is " +
                                                        config::to_string(tls_->upstream_settings.mode), 0);
  mysql::mask_capabilities(greeting, kMaskedCapabilities | (tls_possible ? 0 : mysql::cap::kSsl), kMaskedMariaDbCapabilities);
  server_capabilities_ = greeting.capabilities;
  server_mariadb_capabilities_ = greeting.mariadb_capabilities();
  greeting_charset_ = greeting.character_set;
  rewrite::mysql::follow_server_version(lexical_.mysql, greeting.server_version);
  std::string masked;
  mysql::encode_handshake_v10(masked, greeting);
  mysql::encode_packet(*out, seq, masked);
  spdlog::debug("session={} upstream {} connection id {}", id_, greeting.server_version, greeting.connection_id);
  state_ = State::kHandshake;
  arm_deadline(kLoginTimeout, "no login in time");
  client_leg_.async_write(asio::buffer(*out), [self = shared_from_this(), out](boost::system::error_code ec, size_t) {
    if (self->done()) return;
    if (ec) return self->close("client write: " + ec.message());
    self->read_hello_packet(self->client_leg_, &MySqlSession::on_client_hello, "client");
  });
}

void MySqlSession::on_client_hello(uint8_t seq, std::string payload) {
  const uint8_t reply_seq = static_cast<uint8_t>(seq + 1);
  if (mysql::is_ssl_request(payload)) {
    // The client's packets are read exactly (read_hello_packet), so whatever follows the
    // SSLRequest is read by OpenSSL as handshake, never as plaintext (the CVE-2021-23214 class).
    if (client_leg_.encrypted())
      return fail_to_client(kHandshakeError, "08S01", "switchyard: SSLRequest again inside TLS", reply_seq);
    if (!(server_capabilities_ & mysql::cap::kSsl))
      return fail_to_client(kHandshakeError, "08S01", "switchyard: SSLRequest, and TLS was not offered", reply_seq);
    return start_tls_both_legs(seq, std::move(payload));
  }
  const auto response = mysql::decode_handshake_response(payload);
  if (!response)
    return fail_to_client(kHandshakeError, "08S01", "switchyard: bad handshake: " + std::string(response.error), reply_seq);
  user_ = response->username;
  database_ = response->database;
  if (!client_tls_admits(reply_seq)) return;
  capabilities_ = response->capabilities & server_capabilities_;
  // A MariaDB client (bit 0 clear) sends its extended capabilities in the filler; the server
  // offered its own in the greeting (none from MySQL).
  const uint32_t mariadb_caps = (response->capabilities & mysql::cap::kLongPassword) == 0
                                    ? response->mariadb_capabilities & server_mariadb_capabilities_
                                    : 0;
  replies_.emplace(capabilities_, mariadb_caps);
  if (!client_leg_.encrypted() && tls_ && tls_->upstream && server_offers_tls_)
    return plaintext_client_tls_upstream(seq, std::move(payload), *response);
  auto out = std::make_shared<std::string>();
  mysql::encode_packet(*out, seq, payload);  // unchanged: the server checks it, scramble and all
  spdlog::debug("session={} user={} database={} tls={} logging in", id_, user_, database_, client_leg_.encrypted());
  upstream_leg_.async_write(asio::buffer(*out), [self = shared_from_this(), out](boost::system::error_code ec, size_t) {
    if (self->done()) return;
    if (ec) return self->fail_to_client(kHandshakeError, "08S01", "switchyard: upstream write failed: " + ec.message(), 2);
    self->state_ = State::kAuth;
    self->start_pumps();
  });
}

void MySqlSession::fail_to_client(uint16_t code, std::string_view sql_state, std::string message, uint8_t seq) {
  if (done()) return;
  spdlog::info("session={} error to client: {} {}", id_, code, message);
  const bool client_write_in_flight = to_client_ && to_client_->busy;
  state_ = State::kFailing;
  close_reason_ = std::move(message);
  final_error_ = mysql::build_error_packet(seq, code, sql_state, close_reason_,
                                           capabilities_ != 0 ? capabilities_ : mysql::cap::kProtocol41);
  boost::system::error_code ignored;
  upstream_.close(ignored);
  timer_.cancel();
  // Only one write may be in flight on the client leg: if the upstream->client pump is writing,
  // its completion handler sends the error instead.
  if (!client_write_in_flight) send_final_error();
}

void MySqlSession::send_final_error() {
  client_leg_.async_write(asio::buffer(final_error_), [self = shared_from_this()](boost::system::error_code, size_t) {
    self->close(self->close_reason_);
  });
}

void MySqlSession::close(std::string_view reason) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  boost::system::error_code ignored;
  timer_.cancel();
  // After a final ERR, bytes the client sent that were never read (the rest of a garbage
  // packet) would make the close a reset, which can destroy the ERR before the client reads
  // it: drop a bounded amount of them and send FIN first, as client_refusal.cpp does.
  if (!final_error_.empty() && client_.is_open()) {
    client_.non_blocking(true, ignored);
    char sink[4096];
    for (int i = 0; i < 16 && !ignored; ++i) client_.read_some(asio::buffer(sink), ignored);
    client_.shutdown(tcp::socket::shutdown_send, ignored);
  }
  client_.close(ignored);
  upstream_.close(ignored);
  ctx_.sessions.erase(id_);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  spdlog::debug("session={} closed ({}): user={} database={} bytes_to_upstream={} bytes_to_client={} duration_ms={}",
                id_, reason, user_, database_, to_upstream_ ? to_upstream_->bytes_read : 0,
                to_client_ ? to_client_->bytes_read : 0, ms.count());
}

}  // namespace switchyard::proxy

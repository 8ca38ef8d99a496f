// TLS on both legs of a MySQL session (see mysql_session.h; the contexts are built in
// tls_context.cpp, the streams live in each StreamLeg). A client's SSLRequest (the first 32
// bytes of its HandshakeResponse41, CLIENT_SSL set) is answered by the handshake with the client;
// the same SSLRequest, unchanged, goes upstream and the handshake with the server follows, so
// the sequence ids of both legs stay equal and a TLS client always gets a TLS upstream (its
// caching_sha2_password full authentication sends the password in clear to a TLS peer). The
// client's HandshakeResponse41 then comes over TLS and is relayed over TLS.
//
// The greeting offers CLIENT_SSL only when both contexts exist and the server offers it
// (mysql_session.cpp). A plaintext client is refused under tls.mode require. Otherwise, when the
// upstream leg may be TLS and the server offers it, a plaintext client gets a TLS upstream too:
// the proxy sends an SSLRequest of its own (from the client's HandshakeResponse41, with the
// client's sequence id), handshakes, and sends the response over TLS one id later; until the
// server's OK or ERR ends authentication, every packet is renumbered on its way (the server's
// ids run one ahead: MySqlSession::seq_shift_, mysql_relay.cpp). MySQL's caching_sha2_password
// full authentication cannot complete that way (the server over its TLS leg expects the password
// in clear, the plaintext client sends it only RSA-encrypted): the server refuses it with its
// own ERR.
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "config/config.h"
#include "protocol/mysql/framer.h"
#include "protocol/mysql/handshake.h"
#include "proxy/mysql_errors.h"
#include "proxy/mysql_session.h"
#include "proxy/tls_context.h"

namespace switchyard::proxy {

namespace asio = boost::asio;

void MySqlSession::start_tls_both_legs(uint8_t seq, std::string ssl_request) {
  client_leg_.start_tls(*tls_->client);
  // The login timer (mysql_session.cpp) bounds the handshakes too.
  auto request = std::make_shared<std::string>();
  mysql::encode_packet(*request, seq, ssl_request);
  client_leg_.async_handshake(StreamLeg::Role::kServer, [self = shared_from_this(), request](boost::system::error_code ec) {
    if (self->done() || !self->client_handshake_done(ec)) return;
    self->upstream_tls(request, [self] { self->read_hello_packet(self->client_leg_, &MySqlSession::on_client_hello, "client"); });
  });
}

void MySqlSession::upstream_tls(std::shared_ptr<std::string> ssl_request, std::function<void()> then) {
  upstream_leg_.async_write(asio::buffer(*ssl_request), [self = shared_from_this(), ssl_request,
                                                          then = std::move(then)](boost::system::error_code ec, size_t) mutable {
    if (self->done()) return;
    const uint8_t seq = static_cast<uint8_t>((*ssl_request)[3] + 1);
    if (ec) return self->fail_to_client(kHandshakeError, "08S01", "switchyard: upstream write failed: " + ec.message(), seq);
    self->upstream_leg_.start_tls(*self->tls_->upstream);
    // SNI for a host name (RFC 6066 forbids addresses there); verify-full's name check is on the context.
    if (!config::is_ip_address(self->tls_->upstream_name))
      SSL_set_tlsext_host_name(self->upstream_leg_.ssl(), self->tls_->upstream_name.c_str());
    self->upstream_leg_.async_handshake(StreamLeg::Role::kClient, [self, seq, then = std::move(then)](boost::system::error_code hec) {
      if (self->done()) return;
      if (hec) {
        self->ctx_.shared.metrics.tls_upstream_handshake_failures.fetch_add(1, std::memory_order_relaxed);
        return self->fail_to_client(kHandshakeError, "08S01", "switchyard: TLS handshake with upstream " +
                                                                  self->cfg().upstream.to_string() + " failed (upstream_tls.mode " +
                                                                  config::to_string(self->tls_->upstream_settings.mode) +
                                                                  "): " + handshake_failure(self->upstream_leg_.ssl(), hec), seq);
      }
      spdlog::debug("session={} upstream TLS: {} {}", self->id_, SSL_get_version(self->upstream_leg_.ssl()),
                    SSL_get_cipher_name(self->upstream_leg_.ssl()));
      then();
    });
  });
}

void MySqlSession::plaintext_client_tls_upstream(uint8_t seq, std::string response_payload,
                                                 const mysql::HandshakeResponse41& response) {
  auto request = std::make_shared<std::string>();
  std::string ssl_payload;
  mysql::encode_ssl_request(ssl_payload, response);
  mysql::encode_packet(*request, seq, ssl_payload);
  // The response goes on as the client wrote it, with CLIENT_SSL added (the server checks the
  // scramble, which no capability flag enters) and the next sequence id.
  if (response_payload.size() >= 4) response_payload[1] = static_cast<char>(response_payload[1] | (mysql::cap::kSsl >> 8));
  auto hello = std::make_shared<std::string>();
  mysql::encode_packet(*hello, static_cast<uint8_t>(seq + 1), response_payload);
  spdlog::debug("session={} user={} database={} tls=upstream only, logging in", id_, user_, database_);
  upstream_tls(request, [self = shared_from_this(), hello, seq] {
    self->upstream_leg_.async_write(asio::buffer(*hello), [self, hello, seq](boost::system::error_code ec, size_t) {
      if (self->done()) return;
      if (ec) return self->fail_to_client(kHandshakeError, "08S01", "switchyard: upstream write failed: " + ec.message(),
                                          static_cast<uint8_t>(seq + 1));
      self->seq_shift_ = 1;
      self->state_ = State::kAuth;
      self->start_pumps();
    });
  });
}

bool MySqlSession::client_tls_admits(uint8_t seq) {
  if (client_leg_.encrypted()) {
    if (tls_->client_settings.verify != config::ClientCertVerify::kFull || peer_common_name(client_leg_.ssl()) == user_)
      return true;
    fail_to_client(kAccessDenied, "28000", "switchyard: certificate validation (tls.verify: full) failed for user '" + user_ +
                                               "': CN mismatch", seq);
    return false;
  }
  if (tls_ && tls_->client && tls_->client_settings.mode == config::ClientTlsMode::kRequire) {
    fail_to_client(kAccessDenied, "28000", "switchyard: TLS is required (tls.mode: require), and this connection is not "
                                           "encrypted; connect with --ssl",
                   seq);
    return false;
  }
  return true;
}

}  // namespace switchyard::proxy

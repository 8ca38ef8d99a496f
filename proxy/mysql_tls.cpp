// TLS on both legs of a MySQL session (see mysql_session.h; the contexts are built in
// tls_context.cpp, the streams live in each StreamLeg). A client's SSLRequest (the first 32
// bytes of its HandshakeResponse41, CLIENT_SSL set) is answered by the handshake with the client;
// the same SSLRequest, unchanged, goes upstream and the handshake with the server follows, so
// the sequence ids of both legs stay equal and a TLS client always gets a TLS upstream (its
// caching_sha2_password full authentication sends the password in clear to a TLS peer). The
// client's HandshakeResponse41 then comes over TLS and is relayed over TLS.
//
// The greeting offers CLIENT_SSL only when both contexts exist and the server offers it
// (mysql_session.cpp). A plaintext client is refused under tls.mode require, and under an
// upstream_tls.mode that requires TLS (a plaintext client leg cannot get a TLS upstream without
// renumbering the exchange; docs/config.md).
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "config/config.h"
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
    self->upstream_tls(request);
  });
}

void MySqlSession::upstream_tls(std::shared_ptr<std::string> ssl_request) {
  upstream_leg_.async_write(asio::buffer(*ssl_request), [self = shared_from_this(), ssl_request](boost::system::error_code ec, size_t) {
    if (self->done()) return;
    const uint8_t seq = static_cast<uint8_t>((*ssl_request)[3] + 1);
    if (ec) return self->fail_to_client(kHandshakeError, "08S01", "switchyard: upstream write failed: " + ec.message(), seq);
    self->upstream_leg_.start_tls(*self->tls_->upstream);
    // SNI for a host name (RFC 6066 forbids addresses there); verify-full's name check is on the context.
    if (!config::is_ip_address(self->tls_->upstream_name))
      SSL_set_tlsext_host_name(self->upstream_leg_.ssl(), self->tls_->upstream_name.c_str());
    self->upstream_leg_.async_handshake(StreamLeg::Role::kClient, [self, seq](boost::system::error_code hec) {
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
      self->read_hello_packet(self->client_leg_, &MySqlSession::on_client_hello, "client");
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
  if (tls_ && tls_->upstream && tls_->upstream_settings.required()) {
    fail_to_client(kAccessDenied, "28000", std::string("switchyard: upstream_tls.mode is ") +
                                               config::to_string(tls_->upstream_settings.mode) +
                                               ", and a MySQL client gets a TLS upstream only over TLS itself; connect with --ssl",
                   seq);
    return false;
  }
  return true;
}

}  // namespace switchyard::proxy

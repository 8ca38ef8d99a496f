// TLS on both legs of a PostgreSQL session (see pg_session.h; the contexts are built in
// tls_context.cpp, the streams live in each StreamLeg):
//
// - towards the client: an SSLRequest is answered 'S' (pg_session.cpp) when tls: has a
//   certificate, then the handshake; tls.mode require refuses a plaintext StartupMessage, and
//   tls.verify full checks the client certificate's CN against the user;
// - towards the upstream: under upstream_tls.mode other than disable, an SSLRequest goes first,
//   and on 'S' a handshake (verify-ca / verify-full as libpq means them); the StartupMessage
//   follows over TLS;
// - SCRAM channel binding, when the server's exchange is relayed: the server offers
//   SCRAM-SHA-256-PLUS over TLS, bound to its own certificate, which the client (bound to the
//   proxy's) can never match, so the list is relayed without it and clients fall back to
//   SCRAM-SHA-256. libpq's channel_binding=prefer then fails (docs/architecture.md); under
//   auth: the proxy runs SCRAM itself on both legs instead (pg_scram.cpp).
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <spdlog/spdlog.h>

#include "protocol/pg/authentication.h"
#include "proxy/pg_session.h"
#include "proxy/tls_context.h"

namespace switchyard::proxy {

namespace asio = boost::asio;

void PgSession::accept_client_tls() {
  client_leg_.start_tls(*tls_->client);
  // The startup timer (pg_session.cpp) bounds the handshake too: it closes a client that stalls.
  client_leg_.async_handshake(StreamLeg::Role::kServer, [self = shared_from_this()](boost::system::error_code ec) {
    if (self->done() || !self->client_handshake_done(ec)) return;
    self->read_startup();  // the StartupMessage comes encrypted
  });
}

bool PgSession::client_tls_admits() {
  const config::ClientTls* settings = tls_ ? &tls_->client_settings : nullptr;
  if (!client_leg_.encrypted()) {
    if (settings && settings->mode == config::ClientTlsMode::kRequire) {
      fail_to_client("28000", "switchyard: TLS is required (tls.mode: require), and this connection is not "
                              "encrypted; connect with sslmode=require or stronger");
      return false;
    }
    return true;
  }
  if (settings->verify == config::ClientCertVerify::kFull && peer_common_name(client_leg_.ssl()) != user_) {
    fail_to_client("28000", "switchyard: certificate validation (tls.verify: full) failed for user \"" + user_ +
                                "\": CN mismatch");
    return false;
  }
  return true;
}

void PgSession::request_upstream_tls() {
  // The connect timer has been cancelled; the negotiation gets a deadline of its own.
  timer_.expires_after(std::chrono::milliseconds(cfg().limits.connect_timeout_ms));
  timer_.async_wait([self = shared_from_this()](boost::system::error_code tec) {
    if (!tec && self->state_ == State::kConnecting) {
      boost::system::error_code ignored;
      self->upstream_.close(ignored);  // the pending operation then fails with operation_aborted
    }
  });
  auto request = std::make_shared<std::string>(pg::encode_request_code(pg::kSslRequestCode));
  asio::async_write(upstream_, asio::buffer(*request), [self = shared_from_this(), request](boost::system::error_code ec, size_t) {
    if (self->done()) return;
    if (ec) return self->fail_to_client("08006", "switchyard: upstream " + self->cfg().upstream.to_string() +
                                                      ": SSLRequest write failed: " + ec.message());
    // Exactly one byte: whatever follows 'S' is the server's side of the handshake, never
    // plaintext read ahead (the CVE-2021-23222 class, libpq's side of the same bug).
    asio::async_read(self->upstream_, asio::buffer(&self->upstream_tls_answer_, 1),
                     [self](boost::system::error_code rec, size_t) {
                       if (self->done()) return;
                       if (rec) return self->fail_to_client("08006", "switchyard: upstream " + self->cfg().upstream.to_string() +
                                                                         ": no answer to SSLRequest: " + rec.message());
                       self->on_upstream_tls_answer(self->upstream_tls_answer_);
                     });
  });
}

void PgSession::on_upstream_tls_answer(char answer) {
  const auto& settings = tls_->upstream_settings;
  const std::string upstream = cfg().upstream.to_string();
  if (answer == 'N') {
    if (settings.required()) {
      timer_.cancel();
      return fail_to_client("08006", "switchyard: upstream " + upstream + " does not accept TLS, and upstream_tls.mode is " +
                                         config::to_string(settings.mode));
    }
    timer_.cancel();
    return send_startup_upstream();  // prefer: plaintext, as libpq does
  }
  if (answer != 'S') {
    timer_.cancel();
    return fail_to_client("08P01", "switchyard: upstream " + upstream + " answered SSLRequest with an invalid byte");
  }
  upstream_leg_.start_tls(*tls_->upstream);
  // SNI for a host name (RFC 6066 forbids addresses there); verify-full's name check is on the context.
  if (!config::is_ip_address(tls_->upstream_name)) SSL_set_tlsext_host_name(upstream_leg_.ssl(), tls_->upstream_name.c_str());
  upstream_leg_.async_handshake(StreamLeg::Role::kClient, [self = shared_from_this()](boost::system::error_code ec) {
    self->timer_.cancel();
    if (self->done()) return;
    if (ec) {
      self->ctx_.shared.metrics.tls_upstream_handshake_failures.fetch_add(1, std::memory_order_relaxed);
      return self->fail_to_client("08006", "switchyard: TLS handshake with upstream " + self->cfg().upstream.to_string() +
                                               " failed (upstream_tls.mode " +
                                               config::to_string(self->tls_->upstream_settings.mode) +
                                               "): " + handshake_failure(self->upstream_leg_.ssl(), ec));
    }
    spdlog::debug("session={} upstream TLS: {} {}", self->id_, SSL_get_version(self->upstream_leg_.ssl()),
                  SSL_get_cipher_name(self->upstream_leg_.ssl()));
    self->capture_authentication_ = true;
    self->send_startup_upstream();
  });
}

Replacement PgSession::inspect_authentication(std::string_view body) {
  const auto code = pg::decode_authentication_code(body);
  if (!code) {
    fail_to_client("08P01", "switchyard: malformed Authentication message from upstream");
    return kDropped;
  }
  if (*code != pg::kAuthSasl) return kKept;  // without a copy
  const auto offered = pg::decode_sasl_mechanisms(body);
  if (!offered) {
    fail_to_client("08P01", "switchyard: malformed AuthenticationSASL message from upstream");
    return kDropped;
  }
  const auto kept = pg::without_mechanism(*offered, pg::kScramPlus);
  if (kept.size() == offered->size()) return kKept;
  if (kept.empty()) {
    fail_to_client("28000", "switchyard: upstream " + cfg().upstream.to_string() +
                                " offers only SCRAM-SHA-256-PLUS, whose channel binding cannot pass a TLS proxy");
    return kDropped;
  }
  std::string out;
  pg::encode_authentication_sasl(out, kept);
  spdlog::debug("session={} SCRAM-SHA-256-PLUS removed from the server's SASL mechanisms", id_);
  return out;
}

}  // namespace switchyard::proxy

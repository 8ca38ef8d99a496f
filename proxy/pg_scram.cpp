// SCRAM-SHA-256 on both legs of a PostgreSQL session (auth: scram, or auto with TLS on both
// legs; docs/architecture.md, "SCRAM channel binding"). The proxy is the SCRAM server towards
// the client, with the role's verifier from the server (proxy/verifier_source.h), offering
// SCRAM-SHA-256-PLUS bound to its own certificate when the client leg is TLS; it recovers the
// client's ClientKey from the proof and is then the SCRAM client towards the server, bound to the
// server's certificate when the upstream leg is TLS. The password never reaches the proxy.
//
// Order: StartupMessage -> verifier -> client exchange (state kStartup, bounded by the startup
// timer) -> connect upstream, TLS, StartupMessage (pg_session.cpp, pg_tls.cpp) -> server
// exchange (kConnecting, bounded by connect_timeout_ms) -> the client gets its
// AuthenticationSASLFinal, and the relay starts with what the server sent after its own
// (AuthenticationOk, ParameterStatus, BackendKeyData, ReadyForQuery), which the pumps carry.
// A role with no SCRAM verifier (md5, none, unknown) or a failed look-up keeps the relay.
#include <openssl/ssl.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <spdlog/spdlog.h>

#include "auth/scram.h"
#include "protocol/pg/authentication.h"
#include "protocol/pg/backend.h"
#include "protocol/pg/coding.h"
#include "proxy/pg_scram.h"
#include "proxy/tls_context.h"
#include "proxy/verifier_source.h"

namespace switchyard::proxy {

namespace asio = boost::asio;

namespace {
// The longest SASL message either side may send while the proxy runs the exchange (libpq's and
// the server's are a few hundred bytes).
constexpr uint32_t kMaxSaslMessage = 16 * 1024;
}  // namespace

bool PgSession::scram_wanted() const {
  const auto& a = cfg().auth;
  if (!ctx_.shared.verifiers || a.effective_query().empty()) return false;
  if (a.mode == config::AuthMode::kScram) return true;
  return a.mode == config::AuthMode::kAuto && client_leg_.encrypted() && cfg().upstream_tls.enabled();
}

void PgSession::begin_authentication() {
  if (!scram_wanted()) return connect_upstream();
  const auto& a = cfg().auth;
  std::weak_ptr<PgSession> weak = weak_from_this();
  auto exec = client_.get_executor();
  auto cached = ctx_.shared.verifiers->lookup(cfg().control, a.effective_query(), user_, a.cache_ms,
                                              [weak, exec](VerifierAnswer answer) {
                                                asio::post(exec, [weak, answer = std::move(answer)]() mutable {
                                                  if (auto self = weak.lock()) self->on_verifier(std::move(answer));
                                                });
                                              });
  if (cached) on_verifier(std::move(*cached));
}

void PgSession::on_verifier(VerifierAnswer answer) {
  if (done()) return;
  if (answer.kind == VerifierAnswer::Kind::kError) {
    ctx_.shared.metrics.auth_scram_fallbacks.fetch_add(1, std::memory_order_relaxed);
    if (!answer.cached)  // once per failed query, not once per session
      spdlog::warn("session={} user={}: auth.query failed ({}); the server's own authentication is relayed", id_,
                   user_, answer.error);
  }
  if (answer.kind != VerifierAnswer::Kind::kScram) return connect_upstream();  // md5, none: the relay
  scram_ = std::make_unique<Scram>();
  scram_->verifier = std::move(answer.verifier);
  scram_->client_in = std::move(startup_leftover_);
  startup_leftover_.clear();
  scram_->offered_plus = client_leg_.encrypted();
  std::vector<std::string_view> mechanisms;
  if (scram_->offered_plus) mechanisms.push_back(auth::kScramSha256Plus);
  mechanisms.push_back(auth::kScramSha256);
  auto out = std::make_shared<std::string>();
  pg::encode_authentication_sasl(*out, mechanisms);
  scram_write(client_leg_, out, [](PgSession& s) { s.scram_read(true); });
}

void PgSession::scram_write(StreamLeg& leg, std::shared_ptr<std::string> bytes, void (*next)(PgSession&)) {
  const bool to_client = &leg == &client_leg_;
  leg.async_write(asio::buffer(*bytes), [self = shared_from_this(), bytes, next, to_client](boost::system::error_code ec, size_t) {
    if (self->done()) return;
    if (ec && to_client) return self->close("client write: " + ec.message());
    if (ec) return self->fail_to_client("08006", "switchyard: upstream write failed: " + ec.message());
    next(*self);
  });
}

void PgSession::scram_read(bool from_client) {
  std::string& in = from_client ? scram_->client_in : scram_->upstream_in;
  if (in.size() >= 5) {
    const uint32_t length = pg::get_u32(reinterpret_cast<const unsigned char*>(in.data() + 1));
    if (length < 4 || length > kMaxSaslMessage)
      return fail_to_client("08P01", from_client ? "switchyard: invalid SASL message from the client"
                                                 : "switchyard: invalid authentication message from upstream");
    if (in.size() >= size_t{length} + 1) {
      const char type = in[0];
      std::string body = in.substr(5, length - 4);
      in.erase(0, size_t{length} + 1);
      return from_client ? on_client_sasl(type, body) : on_upstream_sasl(type, body);
    }
  }
  StreamLeg& leg = from_client ? client_leg_ : upstream_leg_;
  const size_t old = in.size();
  in.resize(old + 4096);
  leg.async_read_some(asio::buffer(in.data() + old, 4096), [self = shared_from_this(), from_client, old](
                                                              boost::system::error_code ec, size_t n) {
    if (self->done() || !self->scram_) return;
    std::string& buf = from_client ? self->scram_->client_in : self->scram_->upstream_in;
    buf.resize(old + n);
    if (ec && from_client) return self->close("client read during SCRAM: " + ec.message());
    if (ec) return self->fail_to_client("08006", "switchyard: upstream " + self->cfg().upstream.to_string() +
                                                     " closed during authentication: " + ec.message());
    self->scram_read(from_client);
  });
}

void PgSession::on_client_sasl(char type, const std::string& body) {
  Scram& s = *scram_;
  if (type == 'X') return close("client ended the session during SCRAM");
  if (type != 'p') return fail_to_client("08P01", "switchyard: expected a SASL response from the client");
  if (s.server_first.empty()) {  // SASLInitialResponse
    const auto initial = pg::decode_sasl_initial_response(body);
    if (!initial) return fail_to_client("08P01", "switchyard: malformed SASLInitialResponse");
    if (initial->mechanism == auth::kScramSha256Plus && !s.offered_plus)
      return fail_to_client("28000", "switchyard: SCRAM-SHA-256-PLUS was not offered on a connection without TLS");
    auto first = auth::parse_client_first(initial->data, initial->mechanism, s.offered_plus);
    if (!first.value) return fail_to_client(first.error.find("negotiation") != std::string::npos ? "28000" : "08P01", first.error);
    s.mechanism = std::string(initial->mechanism);
    s.client_first = std::move(*first.value);
    s.server_first = auth::server_first(s.client_first, s.verifier, auth::random_nonce());
    auto out = std::make_shared<std::string>();
    pg::encode_authentication_sasl_data(*out, pg::kAuthSaslContinue, s.server_first);
    return scram_write(client_leg_, out, [](PgSession& self) { self.scram_read(true); });
  }
  std::string binding;
  if (s.client_first.binding_flag == 'p') {
    binding = certificate_end_point_hash(SSL_get_certificate(client_leg_.ssl()));
    if (binding.empty()) return fail_to_client("28000", "switchyard: cannot compute the channel binding of its own certificate");
  }
  const auto check = auth::check_client_final(body, s.client_first, s.server_first, s.verifier, binding);
  if (!check.ok) {
    ctx_.shared.metrics.auth_scram_failures.fetch_add(1, std::memory_order_relaxed);
    if (!check.proof_failed) return fail_to_client("08P01", "switchyard: " + check.error);
    ctx_.shared.verifiers->forget(user_);  // a changed password is read again next time
    spdlog::info("session={} user={}: SCRAM proof refused", id_, user_);
    return fail_to_client("28P01", "password authentication failed for user \"" + user_ + "\"");
  }
  s.client_key = check.client_key;
  s.final_for_client = check.server_final;
  if (!s.client_in.empty()) return fail_to_client("08P01", "switchyard: the client sent more before authentication ended");
  connect_upstream();  // then send_startup_upstream, then upstream_scram
}

void PgSession::upstream_scram() {
  // The connect timer has been cancelled; the exchange gets a deadline of its own.
  timer_.expires_after(std::chrono::milliseconds(cfg().limits.connect_timeout_ms));
  timer_.async_wait([self = shared_from_this()](boost::system::error_code tec) {
    if (!tec && self->state_ == State::kConnecting) {
      boost::system::error_code ignored;
      self->upstream_.close(ignored);  // the pending read then fails
    }
  });
  scram_read(false);
}

void PgSession::on_upstream_sasl(char type, const std::string& body) {
  Scram& s = *scram_;
  const std::string upstream = cfg().upstream.to_string();
  if (type == 'E') {  // the server's own refusal (28P01, no such role, no pg_hba line...): as it is
    timer_.cancel();
    // The server may hold a newer verifier than the cache (a password set again since): the
    // next login reads it again.
    ctx_.shared.verifiers->forget(user_);
    ctx_.shared.metrics.auth_scram_failures.fetch_add(1, std::memory_order_relaxed);
    std::string error;
    error.push_back('E');
    pg::put_u32(error, static_cast<uint32_t>(body.size() + 4));
    error += body;
    state_ = State::kFailing;
    final_error_ = std::move(error);
    close_reason_ = "upstream refused authentication";
    boost::system::error_code ignored;
    upstream_.close(ignored);
    return send_final_error();
  }
  if (type != 'R') return fail_to_client("08P01", "switchyard: upstream " + upstream + " sent '" + std::string(1, type) +
                                                      "' during authentication");
  const auto code = pg::decode_authentication_code(body);
  if (!code) return fail_to_client("08P01", "switchyard: malformed Authentication message from upstream");
  auto out = std::make_shared<std::string>();
  if (*code == pg::kAuthSasl && !s.upstream) {
    const auto offered = pg::decode_sasl_mechanisms(body);
    if (!offered) return fail_to_client("08P01", "switchyard: malformed AuthenticationSASL message from upstream");
    const bool plus = upstream_leg_.encrypted() &&
                      std::find(offered->begin(), offered->end(), auth::kScramSha256Plus) != offered->end();
    // Over TLS, a server that offers no -PLUS gets 'y' (RFC 5802: we could bind; it cannot).
    const char* gs2 = plus ? "p=tls-server-end-point,," : upstream_leg_.encrypted() ? "y,," : "n,,";
    s.upstream.emplace(s.client_key, s.verifier.server_key, gs2, auth::random_nonce());
    pg::encode_sasl_initial_response(*out, plus ? auth::kScramSha256Plus : auth::kScramSha256, s.upstream->first_message());
    return scram_write(upstream_leg_, out, [](PgSession& self) { self.scram_read(false); });
  }
  if (*code == pg::kAuthSaslContinue && s.upstream && !s.upstream_first_sent) {
    std::string binding, error;
    if (s.upstream->first_message()[0] == 'p') {
      binding = certificate_end_point_hash(SSL_get0_peer_certificate(upstream_leg_.ssl()));
      if (binding.empty())
        return fail_to_client("08006", "switchyard: cannot compute the channel binding of upstream " + upstream + "'s certificate");
    }
    const auto final = s.upstream->final_message(body.substr(4), binding, error);
    if (!final) return fail_to_client("08P01", "switchyard: upstream " + upstream + ": " + error);
    s.upstream_first_sent = true;
    pg::encode_sasl_response(*out, *final);
    return scram_write(upstream_leg_, out, [](PgSession& self) { self.scram_read(false); });
  }
  if (*code == pg::kAuthSaslFinal && s.upstream_first_sent) {
    std::string error;
    if (!s.upstream->verify_server_final(body.substr(4), error))
      return fail_to_client("28000", "switchyard: upstream " + upstream + ": " + error);
    return scram_done();
  }
  if (*code == pg::kAuthOk && !s.upstream) {  // trust: the server asked for nothing
    std::string ok;
    pg::encode_authentication_sasl_data(ok, pg::kAuthOk, "");  // relayed as it came
    s.upstream_in.insert(0, ok);
    return scram_done();
  }
  fail_to_client("28000", "switchyard: upstream " + upstream + " asked for authentication code " + std::to_string(*code) +
                              " where SCRAM-SHA-256 was expected (auth.mode " + config::to_string(cfg().auth.mode) +
                              "; the role's verifier in auth.query must be the one the server checks)");
}

void PgSession::scram_done() {
  timer_.cancel();
  auto out = std::make_shared<std::string>();
  pg::encode_authentication_sasl_data(*out, pg::kAuthSaslFinal, scram_->final_for_client);
  ctx_.shared.metrics.auth_scram_sessions.fetch_add(1, std::memory_order_relaxed);
  const char* upstream_mechanism = !scram_->upstream                           ? "none (trusted)"
                                   : scram_->upstream->first_message()[0] == 'p' ? auth::kScramSha256Plus
                                                                                 : auth::kScramSha256;
  spdlog::debug("session={} user={} SCRAM on both legs ({} to the client, {} upstream)", id_, user_, scram_->mechanism,
                upstream_mechanism);
  scram_write(client_leg_, out, [](PgSession& self) {
    // What the server sent after its AuthenticationSASLFinal goes through the relay.
    self.upstream_leftover_ = std::move(self.scram_->upstream_in);
    self.state_ = State::kRelaying;
    self.capture_authentication_ = false;  // nothing of the exchange is left to strip
    self.start_pumps();  // which sees scram_ still set
    self.scram_.reset();
  });
}

}  // namespace switchyard::proxy

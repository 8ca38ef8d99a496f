// PostgreSQL session: startup phase, upstream connection and lifecycle; see pg_session.h.
// The relay pumps are in pg_relay.cpp.
#include "proxy/pg_session.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "protocol/pg/startup.h"
#include "proxy/pg_pump.h"
#include "proxy/pg_scram.h"
#include "proxy/tls_context.h"
#include "proxy/upstream_connect.h"
#include "rewrite/pg/dialect.h"

namespace switchyard::proxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
// How long a client may take to send its StartupMessage (PgBouncer's client_login_timeout
// default is the same minute).
constexpr auto kStartupTimeout = std::chrono::seconds(60);
}  // namespace

PgSession::PgSession(tcp::socket client, SessionContext& ctx, uint64_t id)
    : SessionCore(std::move(client), ctx, id), plans_(ctx, rewrite::pg::dialect(), id) {}

PgSession::~PgSession() = default;

void PgSession::start() {
  note_accepted();
  // A client that never completes its startup packet must not hold a slot forever.
  timer_.expires_after(kStartupTimeout);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code tec) {
    if (!tec && self->state_ == State::kStartup) self->close("no startup packet in time");
  });
  read_startup();
}

void PgSession::read_startup() {
  const size_t old = startup_buf_.size();
  startup_buf_.resize(old + 1024);
  client_leg_.async_read_some(asio::buffer(startup_buf_.data() + old, 1024),
                          [self = shared_from_this(), old](boost::system::error_code ec, size_t n) {
                            self->startup_buf_.resize(old + n);
                            if (ec) return self->close(ec == asio::error::eof ? "client closed during startup"
                                                                              : "client read: " + ec.message());
                            if (self->done()) return;
                            self->on_startup_bytes();
                          });
}

void PgSession::on_startup_bytes() {
  const auto d = pg::decode_startup(startup_buf_);
  if (d.status == pg::StartupStatus::kNeedMore) return read_startup();
  if (d.status == pg::StartupStatus::kError) return fail_to_client("08P01", "switchyard: " + d.error);

  const auto& p = d.packet;
  switch (p.kind) {
    case pg::StartupKind::kSslRequest:
    case pg::StartupKind::kGssEncRequest:
      // Bytes pipelined behind the request would be read as if they came over the encrypted
      // channel (CVE-2021-23214): refuse them.
      if (startup_buf_.size() != d.consumed) return close("bytes pipelined behind an encryption request");
      startup_buf_.clear();
      if (client_leg_.encrypted()) return fail_to_client("08P01", "switchyard: encryption requested again inside TLS");
      return answer_encryption_request(p.kind);
    case pg::StartupKind::kCancelRequest:
      return forward_cancel({p.cancel_pid, p.cancel_secret});
    case pg::StartupKind::kStartup:
      user_ = p.param("user");
      database_ = p.param("database");
      application_name_ = p.param("application_name");
      if (user_.empty()) return fail_to_client("28000", "no PostgreSQL user name specified in startup packet");
      if (!client_tls_admits()) return;
      startup_packet_ = startup_buf_.substr(0, d.consumed);
      startup_leftover_ = startup_buf_.substr(d.consumed);
      startup_buf_.clear();
      startup_buf_.shrink_to_fit();
      return begin_authentication();  // connect_upstream, after SCRAM with the client if it runs here
  }
}

void PgSession::answer_encryption_request(pg::StartupKind kind) {
  // 'S' and a handshake when tls: is configured (pg_tls.cpp); otherwise, and always for GSSAPI
  // encryption, 'N': the client then continues in plaintext or gives up, as its sslmode says.
  const bool tls = kind == pg::StartupKind::kSslRequest && tls_ && tls_->client;
  static const char kYes = 'S', kNo = 'N';
  asio::async_write(client_, asio::buffer(tls ? &kYes : &kNo, 1), [self = shared_from_this(), tls](boost::system::error_code ec, size_t) {
    if (ec) return self->close("client write: " + ec.message());
    if (self->done()) return;
    if (tls) return self->accept_client_tls();
    self->read_startup();
  });
}

void PgSession::forward_cancel(pg::BackendKeyData client_key) {
  state_ = State::kConnecting;
  const auto target = ctx_.shared.cancels.find(client_key);
  if (!target) {
    spdlog::info("session={} cancel request with an unknown key ignored", id_);
    return close("cancel request: unknown key");
  }
  auto msg = std::make_shared<std::string>(pg::encode_cancel_request(target->backend.pid, target->backend.secret));
  upstream_.async_connect(target->upstream, [self = shared_from_this(), msg](boost::system::error_code ec) {
    if (ec) return self->close("cancel: upstream connect: " + ec.message());
    asio::async_write(self->upstream_, asio::buffer(*msg), [self, msg](boost::system::error_code wec, size_t) {
      spdlog::debug("session={} cancel request forwarded{}", self->id_, wec ? ": " + wec.message() : "");
      self->close("cancel request forwarded");
    });
  });
}

void PgSession::connect_upstream() {
  state_ = State::kConnecting;
  timer_.expires_after(std::chrono::milliseconds(cfg().limits.connect_timeout_ms));
  timer_.async_wait([self = shared_from_this()](boost::system::error_code tec) {
    if (!tec && self->state_ == State::kConnecting) {
      boost::system::error_code ignored;
      self->upstream_.close(ignored);  // the connect handler then reports operation_aborted
    }
  });
  connect_upstream_socket(upstream_, cfg().upstream, [self = shared_from_this()](boost::system::error_code cec) {
    self->timer_.cancel();
    if (self->done()) return;
    if (cec) {
      return self->fail_to_client("08006", "switchyard: cannot connect to upstream " +
                                               self->cfg().upstream.to_string() + ": " + cec.message());
    }
    self->on_upstream_connected();
  });
}

void PgSession::on_upstream_connected() {
  boost::system::error_code ec;
  upstream_.set_option(tcp::no_delay(true), ec);
  enable_rest_reports(upstream_.native_handle());
  spdlog::debug("session={} user={} database={} application_name={} connected upstream", id_, user_, database_,
                application_name_);
  if (tls_ && tls_->upstream) return request_upstream_tls();  // then send_startup_upstream
  send_startup_upstream();
}

void PgSession::send_startup_upstream() {
  upstream_leg_.async_write(asio::buffer(startup_packet_), [self = shared_from_this()](boost::system::error_code wec, size_t) {
    if (self->done()) return;
    if (wec) return self->fail_to_client("08006", "switchyard: upstream write failed: " + wec.message());
    self->startup_packet_.clear();
    if (self->scram_) return self->upstream_scram();  // pg_scram.cpp, then start_pumps
    self->state_ = State::kRelaying;
    self->start_pumps();
  });
}

void PgSession::fail_to_client(std::string_view sqlstate, std::string message) {
  if (done()) return;
  spdlog::info("session={} error to client: {} {}", id_, sqlstate, message);
  const bool client_write_in_flight = state_ == State::kRelaying && to_client_ && to_client_->busy;
  state_ = State::kFailing;
  close_reason_ = std::move(message);
  pg::encode_error_response(final_error_, "FATAL", sqlstate, close_reason_);
  boost::system::error_code ignored;
  upstream_.close(ignored);
  timer_.cancel();
  // Only one write may be in flight on the client socket: if the upstream->client pump is
  // writing, its completion handler sends the error instead.
  if (!client_write_in_flight) send_final_error();
}

void PgSession::send_final_error() {
  client_leg_.async_write(asio::buffer(final_error_), [self = shared_from_this()](boost::system::error_code, size_t) {
    self->close(self->close_reason_);
  });
}

void PgSession::close(std::string_view reason) {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  boost::system::error_code ignored;
  timer_.cancel();
  client_.close(ignored);
  upstream_.close(ignored);
  if (client_key_registered_) ctx_.shared.cancels.remove(client_key_);
  if (published_generation_ != 0) ctx_.shared.census.remove(id_);
  ctx_.sessions.erase(id_);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started_);
  spdlog::debug("session={} closed ({}): user={} database={} bytes_to_upstream={} bytes_to_client={} duration_ms={}",
                id_, reason, user_, database_, to_upstream_ ? to_upstream_->bytes_read : 0,
                to_client_ ? to_client_->bytes_read : 0, ms.count());
}

}  // namespace switchyard::proxy

// PgSession's two pumps (pg_pump.h): their start, their framing and its memory bounds. The loop
// itself (wait for readability, read what is there, frame, write on, repeat; buffers given back
// while a direction waits) is RelayLoop's (proxy/relay_loop.h), shared with the MySQL session.
// See pg_session.h for the session around them.
//
// Memory bounds: before authentication completes only the authentication exchange is accepted
// from the client, each message at most kAuthMessageBytes (PostgreSQL's own cap on an
// authentication token); captured messages assembled across reads draw on the process-wide
// limits.max_assembly_bytes, and a client message whose header has come must be complete within
// limits.message_timeout_ms.
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "protocol/pg/frontend.h"
#include "proxy/pg_pump.h"
#include "proxy/pg_session.h"

namespace switchyard::proxy {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// PostgreSQL reads password, SASL and GSS messages with PG_MAX_AUTH_TOKEN_LENGTH (65535).
constexpr uint32_t kAuthMessageBytes = 65535 + 5;

}  // namespace

bool PgSession::Pump::hold(size_t bytes) {
  if (!session.hold_assembly(bytes)) return false;
  held += bytes;
  return true;
}

void PgSession::Pump::release(size_t bytes) {
  bytes = std::min(bytes, held);
  held -= bytes;
  session.release_assembly(bytes);
}

bool PgSession::hold_assembly(size_t bytes) {
  auto& used = ctx_.shared.assembly_bytes;
  const uint64_t limit = cfg().limits.max_assembly_bytes;
  if (used.fetch_add(bytes, std::memory_order_relaxed) + bytes > limit) {
    used.fetch_sub(bytes, std::memory_order_relaxed);
    ctx_.shared.metrics.assembly_refused.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void PgSession::release_assembly(size_t bytes) {
  ctx_.shared.assembly_bytes.fetch_sub(bytes, std::memory_order_relaxed);
}

void PgSession::start_pumps() {
  boost::system::error_code ec;
  client_.non_blocking(true, ec);  // reads after readability must never block
  upstream_.non_blocking(true, ec);
  const uint32_t max = cfg().limits.max_message_bytes;
  // Until the upstream's first ReadyForQuery: only the authentication exchange (authenticated()).
  to_upstream_ = std::make_unique<Pump>(*this, Dir::kToUpstream, client_leg_, upstream_leg_,
                                        pg::Framer(pg::TypeSet{'p', 'X'}, frontend_capture(), std::min(max, kAuthMessageBytes)),
                                        ctx_.buffers);
  to_client_ = std::make_unique<Pump>(*this, Dir::kToClient, upstream_leg_, client_leg_,
                                      pg::Framer(pg::backend_types(), backend_capture(), max), ctx_.buffers);
  if (scram_) {
    // After a SCRAM exchange the proxy ran (pg_scram.cpp), a TLS leg may hold decrypted bytes
    // the socket no longer signals: read before waiting.
    to_upstream_->full = client_leg_.drain_before_wait();
    to_client_->full = upstream_leg_.drain_before_wait();
  }
  update_reply_tracking();
  update_routing();
  prepared_.set_current(PlanStamp{gen_->number, plans_.route()});
  publish_census();
  if (!upstream_leftover_.empty()) {
    // What the server sent behind the SCRAM exchange the proxy ran (pg_scram.cpp).
    const std::string leftover = std::move(upstream_leftover_);
    to_client_->bytes_read += leftover.size();
    if (const auto err = to_client_->framer.feed(leftover, *to_client_); err != pg::FrameError::kNone)
      return fail_to_client("08P01", "switchyard: invalid message from upstream: " + std::string(pg::to_string(err)));
    to_client_->materialize();
    Loop::write(*this, *to_client_);
  } else {
    Loop::read(*this, *to_client_);
  }
  if (done()) return;  // that direction's first read or write may already have ended the session
  if (!startup_leftover_.empty()) {
    // The client pipelined messages behind its StartupMessage; they go through the framer too.
    const std::string leftover = std::move(startup_leftover_);
    to_upstream_->bytes_read += leftover.size();
    if (const auto err = to_upstream_->framer.feed(leftover, *to_upstream_); err != pg::FrameError::kNone)
      return fail_to_client("08P01", frontend_error(err));
    to_upstream_->materialize();  // `leftover` dies here; `direct` must not point into it
    return Loop::write(*this, *to_upstream_);
  }
  Loop::read(*this, *to_upstream_);
}

void PgSession::authenticated() {
  to_upstream_->framer.set_allowed(pg::frontend_types());
  to_upstream_->framer.set_max_message_bytes(cfg().limits.max_message_bytes);
  if (capture_authentication_) {  // no more Authentication messages come
    capture_authentication_ = false;
    to_client_->framer.set_capture(backend_capture());
  }
}

std::string PgSession::frontend_error(pg::FrameError err) const {
  if (err == pg::FrameError::kBadType && !in_flight_.authenticated())
    return "switchyard: only the authentication exchange is accepted before authentication completes";
  if (err == pg::FrameError::kTooLong && !in_flight_.authenticated())
    return "switchyard: an authentication message longer than " + std::to_string(kAuthMessageBytes) + " bytes";
  if (err == pg::FrameError::kOverBudget) return "switchyard: " + std::string(pg::to_string(err));
  return std::string("switchyard: invalid frontend message: ") + std::string(pg::to_string(err));
}

void PgSession::pump_feed(Pump& p, std::string_view data) {
  const pg::FrameError err = p.framer.feed(data, p);
  if (err != pg::FrameError::kNone) {
    if (p.dir == Dir::kToUpstream) return fail_to_client(err == pg::FrameError::kOverBudget ? "53200" : "08P01", frontend_error(err));
    spdlog::warn("session={} upstream protocol error: {}", id_, pg::to_string(err));
    return fail_to_client("08P01", std::string("switchyard: invalid message from upstream: ") + std::string(pg::to_string(err)));
  }
  if (done()) return;  // a captured message may have ended the session
  if (p.dir == Dir::kToUpstream) watch_message_deadline();
  Loop::write(*this, p);
}

void PgSession::watch_message_deadline() {
  // A client message begun and not finished holds memory: it gets limits.message_timeout_ms.
  const bool assembling = to_upstream_->framer.assembling();
  if (assembling == message_deadline_armed_) return;
  message_deadline_armed_ = assembling;
  if (!assembling) {
    timer_.cancel();
    return;
  }
  timer_.expires_after(std::chrono::milliseconds(cfg().limits.message_timeout_ms));
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec || self->done() || !self->message_deadline_armed_) return;
    self->ctx_.shared.metrics.message_timeouts.fetch_add(1, std::memory_order_relaxed);
    self->fail_to_client("08P01", "switchyard: a message from the client was not completed within "
                                  "limits.message_timeout_ms (" +
                                      std::to_string(self->cfg().limits.message_timeout_ms) + " ms)");
  });
}

}  // namespace switchyard::proxy

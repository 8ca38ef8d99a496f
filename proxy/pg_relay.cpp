// PostgreSQL session relay: the two pumps, the client messages rewritten on the way when
// migrations are configured (Query, Parse, and Bind of refused statements), and the backend
// messages the proxy inspects (BackendKeyData, whose key it replaces, and ReadyForQuery, whose
// status it records).
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "protocol/pg/frontend.h"
#include "proxy/pg_pump.h"
#include "proxy/pg_session.h"
#include "rewrite/pg/rewriter.h"

namespace switchyard::proxy {

namespace asio = boost::asio;

void PgSession::start_pumps() {
  const uint32_t max = cfg().limits.max_message_bytes;
  to_upstream_ = std::make_unique<Pump>(*this, Dir::kToUpstream, client_, upstream_,
                                        pg::Framer(pg::frontend_types(), frontend_capture(), max));
  to_client_ = std::make_unique<Pump>(*this, Dir::kToClient, upstream_, client_,
                                      pg::Framer(pg::backend_types(), pg::TypeSet{'K', 'Z'}, max));
  pump_read(*to_client_);
  if (!startup_leftover_.empty()) {
    // The client pipelined messages behind its StartupMessage; they go through the framer too.
    const std::string leftover = std::move(startup_leftover_);
    to_upstream_->bytes_read += leftover.size();
    if (to_upstream_->framer.feed(leftover, *to_upstream_) != pg::FrameError::kNone)
      return fail_to_client("08P01", "switchyard: invalid frontend message");
    to_upstream_->materialize();  // `leftover` dies here; `direct` must not point into it
    return pump_write(*to_upstream_);
  }
  pump_read(*to_upstream_);
}

void PgSession::pump_read(Pump& p) {
  p.from.async_read_some(asio::buffer(p.in), [self = shared_from_this(), &p](boost::system::error_code ec, size_t n) {
    if (self->done()) return;
    if (ec) {
      const bool eof = ec == asio::error::eof || ec == asio::error::connection_reset;
      const char* side = p.dir == Dir::kToUpstream ? "client" : "upstream";
      return self->close(eof ? std::string(side) + " closed the connection" : std::string(side) + " read: " + ec.message());
    }
    p.bytes_read += n;
    self->pump_feed(p, std::string_view(p.in.data(), n));
  });
}

void PgSession::pump_feed(Pump& p, std::string_view data) {
  const pg::FrameError err = p.framer.feed(data, p);
  if (err != pg::FrameError::kNone) {
    if (p.dir == Dir::kToUpstream)
      return fail_to_client("08P01", std::string("switchyard: invalid frontend message: ") + std::string(pg::to_string(err)));
    spdlog::warn("session={} upstream protocol error: {}", id_, pg::to_string(err));
    return fail_to_client("08P01", std::string("switchyard: invalid message from upstream: ") + std::string(pg::to_string(err)));
  }
  if (done()) return;  // a captured message may have ended the session
  pump_write(p);
}

void PgSession::pump_write(Pump& p) {
  const std::string_view bytes = p.pending();
  if (bytes.empty()) return pump_read(p);
  p.busy = true;
  asio::async_write(p.to, asio::buffer(bytes.data(), bytes.size()),
                    [self = shared_from_this(), &p](boost::system::error_code ec, size_t) {
                      p.busy = false;
                      p.clear();
                      if (self->state_ == State::kFailing) {
                        if (p.dir == Dir::kToClient) self->send_final_error();
                        return;
                      }
                      if (self->done()) return;
                      if (ec) {
                        const char* side = p.dir == Dir::kToUpstream ? "upstream" : "client";
                        return self->close(std::string(side) + " write: " + ec.message());
                      }
                      self->pump_read(p);
                    });
}

pg::TypeSet PgSession::frontend_capture() const {
  // Without migrations nothing is inspected: every client message streams through.
  if (gen_->catalog.migrations.empty()) return {};
  pg::TypeSet capture{'Q', 'P'};
  if (!refused_statements_.empty()) capture.add('B');
  return capture;
}

bool PgSession::inspect(Pump& p, char type, std::string_view body) {
  if (p.dir == Dir::kToUpstream) return inspect_frontend(type, body);
  if (type == 'Z') {
    const auto status = pg::decode_ready_for_query(body);
    if (!status) {
      fail_to_client("08P01", "switchyard: malformed ReadyForQuery from upstream");
      return true;  // dropped
    }
    transaction_status_ = *status;
    return false;  // kept, and relayed without a copy
  }
  return type == 'K';  // the backend's key is replaced by the proxy's
}

void PgSession::replace(Pump& p, char type, std::string_view body) {
  if (p.dir == Dir::kToUpstream) {
    p.out.append(replacement_);
    replacement_.clear();
    return;
  }
  if (type != 'K') return;
  const auto key = pg::decode_backend_key_data(body);
  if (!key) return fail_to_client("08P01", "switchyard: malformed BackendKeyData from upstream");
  if (client_key_registered_) ctx_.shared.cancels.remove(client_key_);
  boost::system::error_code ec;
  const auto upstream = upstream_.remote_endpoint(ec);
  if (ec) return close("upstream endpoint: " + ec.message());
  client_key_ = ctx_.shared.cancels.add(CancelTarget{upstream, *key});
  client_key_registered_ = true;
  pg::encode_backend_key_data(p.out, client_key_);
}

std::optional<rewrite::RewriteResult> PgSession::rewrite(std::string_view sql) {
  // Only writes are rewritten (reads are routed in a later step): two word scans keep every
  // other statement away from the parser.
  if (!gen_->prefilter.may_touch(sql) || !rewrite::Prefilter::may_write(sql)) return std::nullopt;
  rewrite::RewriteResult r = ctx_.rewrites.get(sql, *gen_);
  switch (r.kind) {
    case rewrite::RewriteResult::Kind::kUnchanged:
      return std::nullopt;
    case rewrite::RewriteResult::Kind::kRewritten:
      ctx_.shared.statements_rewritten.fetch_add(1, std::memory_order_relaxed);
      spdlog::debug("session={} migration {}: rewrote: {}", id_, r.migration, r.sql);
      return r;
    case rewrite::RewriteResult::Kind::kRefused:
      ctx_.shared.statements_refused.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("session={} migration {}: refused ({}): {}", id_, r.migration, r.reason, sql);
      return r;
  }
  return std::nullopt;
}

bool PgSession::inspect_frontend(char type, std::string_view body) {
  using Kind = rewrite::RewriteResult::Kind;
  replacement_.clear();
  switch (type) {
    case 'Q': {
      const auto sql = pg::decode_query(body);
      if (!sql) {
        fail_to_client("08P01", "switchyard: malformed Query message");
        return true;  // dropped
      }
      const auto r = rewrite(*sql);
      if (!r) return false;
      // A refusal is raised by the server itself, so it aborts the transaction and the
      // implicit transaction of a multi-statement string exactly as any error would.
      pg::encode_query(replacement_, r->kind == Kind::kRefused ? rewrite::pg::refusal_statement(*r) : r->sql);
      return true;
    }
    case 'P': {
      auto parse = pg::decode_parse(body);
      if (!parse) {
        fail_to_client("08P01", "switchyard: malformed Parse message");
        return true;
      }
      const auto r = rewrite(parse->query);
      const auto refused = refused_statements_.find(parse->statement);
      if (refused != refused_statements_.end()) refused_statements_.erase(refused);
      if (!r) return false;
      std::string refusal;
      if (r->kind == Kind::kRefused) {
        refusal = rewrite::pg::refusal_statement(*r);
        parse->query = refusal;
        parse->param_types.clear();
        refused_statements_.emplace(parse->statement);
      } else {
        parse->query = r->sql;  // parameter types stay as the client declared them
      }
      pg::encode_parse(replacement_, *parse);
      to_upstream_->framer.set_capture(frontend_capture());
      return true;
    }
    case 'B': {
      auto bind = pg::decode_bind(body);
      if (!bind) {
        fail_to_client("08P01", "switchyard: malformed Bind message");
        return true;
      }
      if (!refused_statements_.count(bind->statement)) return false;
      bind->param_formats.clear();
      bind->params.clear();
      pg::encode_bind(replacement_, *bind);
      return true;
    }
  }
  return false;
}


}  // namespace switchyard::proxy

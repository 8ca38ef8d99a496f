// PostgreSQL session relay: the two pumps, the client messages rewritten on the way when
// migrations are configured (Query, Parse, and Bind of refused statements), and the backend
// messages the proxy inspects (BackendKeyData, whose key it replaces, and ReadyForQuery, whose
// status it records).
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "protocol/pg/frontend.h"
#include "proxy/ddl_lint_check.h"
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
  update_reply_tracking();
  update_routing();
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
  // Without migrations and DDL lint no message is rewritten: all stream through.
  // Query, Parse, Sync and FunctionCall are always seen, and kept in place without a copy: they
  // time the upstream and find transaction boundaries, where a reload is adopted (in_flight.h).
  if (gen_->catalog.migrations.empty() && cfg().ddl_lint == config::DdlLint::kOff) return {'Q', 'P', 'S', 'F'};
  pg::TypeSet capture{'Q', 'P', 'S', 'F'};
  if (!refused_statements_.empty()) capture.add('B');
  if (replies_) {
    for (char t : {'B', 'D', 'E', 'C'}) capture.add(t);  // every request, to pair it with its replies
  }
  if (!shadow_candidates_.empty()) capture.add('B');  // sampled at each Bind
  return capture;
}

bool PgSession::inspect(Pump& p, char type, std::string_view body) {
  if (p.dir == Dir::kToUpstream) {
    pending_patches_.clear();
    const bool replaced = note_frontend(type) && inspect_frontend(type, body);
    if (replies_ && !done()) track_frontend(type, body);
    return replaced;
  }
  if (replies_ && type != 'K' && track_backend(type, body)) return true;  // dropped or replaced
  if (type == 'Z') {
    const auto status = pg::decode_ready_for_query(body);
    if (!status) {
      fail_to_client("08P01", "switchyard: malformed ReadyForQuery from upstream");
      return true;  // dropped
    }
    transaction_status_ = *status;
    at_ready_for_query();  // upstream latency; a reloaded generation is adopted here
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
  if (type != 'K') {
    p.out.append(backend_replacement_);  // a reply patched by track_backend (empty: dropped)
    backend_replacement_.clear();
    return;
  }
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

std::optional<rewrite::RewriteResult> PgSession::rewrite(std::string_view sql, const std::string_view* statement) {
  if (auto blocked = check_ddl(sql, *gen_, ctx_.shared.metrics, id_)) return blocked;  // ddl_lint: block
  // A word scan keeps every statement that names no migrated relation away from the parser.
  if (!gen_->prefilter.may_touch(sql)) return std::nullopt;
  const bool writes = rewrite::Prefilter::may_write(sql);
  if (!writes) {
    // A read that names nothing its route would change, and that no shadow read may sample, is
    // relayed without a parse either (pg_routing.cpp).
    uint64_t named = 0;
    if (!read_needs_rewrite(sql, named)) {
      count_reads(named);
      return std::nullopt;
    }
  }
  rewrite::RewriteResult r = ctx_.rewrites.get(sql, *gen_, route_);
  if (!writes && r.reads_mask != 0) {
    count_reads(r.reads_mask);
    if (ctx_.shared.shadow) {
      if (statement == nullptr) shadow_query(sql, r);
      else note_shadow_parse(*statement, sql, r);
    }
  }
  switch (r.kind) {
    case rewrite::RewriteResult::Kind::kUnchanged:
      return std::nullopt;
    case rewrite::RewriteResult::Kind::kRewritten:
      if (writes && !r.migration.empty()) {  // a write mirrored (a routed read names no migration)
        ctx_.shared.statements_rewritten.fetch_add(1, std::memory_order_relaxed);
        metrics_of(r.migration).writes_rewritten.fetch_add(1, std::memory_order_relaxed);
      }
      spdlog::debug("session={} rewrote: {}", id_, r.sql);
      return r;
    case rewrite::RewriteResult::Kind::kRefused:
      ctx_.shared.statements_refused.fetch_add(1, std::memory_order_relaxed);
      metrics_of(r.migration).writes_refused.fetch_add(1, std::memory_order_relaxed);
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
      remember_patches(*r);
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
      // A Parse replaces any earlier statement of that name (the unnamed one at every Parse).
      if (auto c = shadow_candidates_.find(parse->statement); c != shadow_candidates_.end()) shadow_candidates_.erase(c);
      const auto r = rewrite(parse->query, &parse->statement);
      const auto refused = refused_statements_.find(parse->statement);
      if (refused != refused_statements_.end()) refused_statements_.erase(refused);
      if (!r) {
        to_upstream_->framer.set_capture(frontend_capture());  // shadow candidates changed
        return false;
      }
      std::string refusal;
      if (r->kind == Kind::kRefused) {
        refusal = rewrite::pg::refusal_statement(*r);
        parse->query = refusal;
        parse->param_types.clear();
        refused_statements_.emplace(parse->statement);
      } else {
        parse->query = r->sql;  // parameter types stay as the client declared them
        remember_patches(*r);
      }
      pg::encode_parse(replacement_, *parse);
      to_upstream_->framer.set_capture(frontend_capture());
      return true;
    }
    case 'B': {
      if (!shadow_candidates_.empty()) shadow_bind(body);
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

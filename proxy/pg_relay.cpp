// PostgreSQL session relay: what the session captures and does with each message (the pumps
// that move the bytes are in pg_pump.cpp): the client messages rewritten on the way when
// migrations are configured (Query, Parse, and Bind of refused statements), and the backend
// messages the proxy inspects (BackendKeyData, whose key it replaces, and ReadyForQuery, whose
// status it records).
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "protocol/pg/frontend.h"
#include "protocol/pg/parameter_status.h"
#include "proxy/ddl_lint_check.h"
#include "proxy/pg_pump.h"
#include "proxy/pg_session.h"
#include "rewrite/pg/prepared_commands.h"
#include "rewrite/pg/rewriter.h"

namespace switchyard::proxy {

namespace asio = boost::asio;

pg::TypeSet PgSession::frontend_capture() const {
  // Query, Parse, Close, Sync and FunctionCall are always seen, and kept in place without a copy:
  // they time the upstream, find transaction boundaries, where a reload is adopted
  // (in_flight.h), and keep the record of prepared statements (prepared_statements.h).
  // Describe too: its answers pair with it only in order (injected_replies.h).
  pg::TypeSet capture{'Q', 'P', 'C', 'S', 'F', 'D'};
  if (prepared_.needs_bind()) capture.add('B');  // a statement to prepare again, count, refuse or sample
  if (replies_) {
    for (char t : {'B', 'D', 'E', 'C'}) capture.add(t);  // every request, to pair it with its replies
  }
  return capture;
}

bool PgSession::inspect(Pump& p, char type, std::string_view body) {
  if (p.dir == Dir::kToUpstream) {
    pending_patches_.clear();
    injection_.clear();
    idle_before_request_ = in_flight_.idle();
    lexical_.settled = idle_before_request_;  // else a request ahead may still change the settings
    const bool replaced = note_frontend(type) && inspect_frontend(type, body);
    if (replies_ && !done()) track_frontend(type, body);
    return replaced;
  }
  if (type == 'R') return inspect_authentication(body);  // captured only before authentication ends
  if (type == 'S') {  // the lexical settings statements are planned under (rewrite/pg/lexical.h)
    const auto ps = pg::decode_parameter_status(body);
    if (!ps) {
      fail_to_client("08P01", "switchyard: malformed ParameterStatus from upstream");
      return true;  // dropped
    }
    lexical_.follow(ps->name, ps->value);
    return false;  // kept, and relayed without a copy
  }
  // The answer to a Describe of a statement the proxy may prepare again.
  std::string described;
  if (type == 't' || type == 'T' || type == 'n') {
    if (const auto d = describe_tags_.find(requests_.describing()); d != describe_tags_.end()) described = d->second;
  }
  // The replies to requests the proxy slipped in are the client's to never see.
  const auto verdict = requests_.on_backend(type, outcomes_);
  if (!outcomes_.empty()) on_request_outcomes();
  if (verdict == pg::InjectedReplies::Verdict::kDrop) {
    backend_replacement_.clear();
    if (!requests_.injecting()) to_client_->framer.set_capture(backend_capture());
    return true;
  }
  if (replies_ && type != 'K' && track_backend(type, body)) return true;  // dropped or replaced
  if (type == 'E' && !error_positions_.empty() && remap_error(body)) return true;
  if (!described.empty() && on_describe_answer(described, type, body)) return true;
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

bool PgSession::remap_error(std::string_view body) {
  const auto texts = error_positions_.current();
  if (!texts) return false;
  backend_replacement_.clear();
  // The server reports client_encoding by its canonical name.
  return remap_error_positions(body, *texts, lexical_.client_encoding == "UTF8", backend_replacement_);
}

PgSession::Plan PgSession::plan(std::string_view sql, bool one_statement) {
  Plan p;
  if (auto blocked = check_ddl(sql, *gen_, ctx_.shared.metrics, id_)) {  // ddl_lint: block
    p.result = std::move(*blocked);
    return p;
  }
  // A word scan keeps every statement that names no migrated relation away from the parser.
  if (!gen_->prefilter.may_touch(sql)) return p;
  // A call of a function that writes a migrated relation needs no write keyword to write.
  p.writes = rewrite::Prefilter::may_write(sql) || gen_->prefilter.may_run_server_code(sql);
  // A read that names nothing its route would change, and that no shadow read may sample, is
  // relayed without a parse either (pg_routing.cpp).
  if (!p.writes && !read_needs_rewrite(sql, p.reads_mask)) return p;
  p.result = ctx_.rewrites.get(sql, *gen_, route_, lexical_);
  if (!p.writes) p.reads_mask = p.result.reads_mask;
  if (one_statement && p.result.simple_query_only) {
    p.result.kind = rewrite::RewriteResult::Kind::kRefused;
    p.result.reason = "COPY FROM into a migrated table is mirrored only in a simple Query (a prepared statement holds one "
                      "statement, and the mirror needs four); send it without parameters, with the simple query protocol";
    p.result.code = rewrite::RefusalReason::kUnsupportedForm;
    p.result.sql.clear();
    p.result.completions.clear();
    p.result.simple_query_only = false;
  }
  return p;
}

void PgSession::count_query(std::string_view sql, const Plan& p) {
  using Kind = rewrite::RewriteResult::Kind;
  const auto& r = p.result;
  if (!p.writes && p.reads_mask != 0) {
    count_reads(p.reads_mask);
    // Shadow connections read text with standard_conforming_strings on.
    if (ctx_.shared.shadow && r.kind != Kind::kRefused && lexical_.standard_strings) shadow_query(sql, r);
  }
  count_write(write_count(p), sql, r.reason);
  if (r.kind == Kind::kRewritten) spdlog::debug("session={} rewrote: {}", id_, r.sql);
  if (r.kind == Kind::kRefused)
    spdlog::warn("session={} migration {}: refused ({}, {}): {}", id_, r.migration, rewrite::to_string(r.code), r.reason, sql);
  if (!r.passed_migration.empty())
    spdlog::warn("session={} migration {}: relayed unmirrored under on_unsupported: pass ({}): {}", id_, r.passed_migration,
                 rewrite::to_string(r.passed_code), sql);
}

WriteCount PgSession::write_count(const Plan& p) {
  using Kind = rewrite::RewriteResult::Kind;
  const auto& r = p.result;
  WriteCount w;
  if (r.kind == Kind::kRefused) {
    w = {WriteCount::Route::kRefused, &metrics_of(r.migration), r.code};
  } else if (r.kind == Kind::kRewritten && p.writes && !r.migration.empty()) {  // a write mirrored
    w = {WriteCount::Route::kRewritten, &metrics_of(r.migration), {}};
  } else if (r.kind == Kind::kUnchanged && p.writes && r.parsed) {
    w.route = WriteCount::Route::kPassed;
    if (!r.passed_migration.empty()) w = {WriteCount::Route::kPassed, &metrics_of(r.passed_migration), r.passed_code};
  }
  return w;
}

void PgSession::count_write(const WriteCount& w, std::string_view sql, std::string_view reason) {
  constexpr auto relaxed = std::memory_order_relaxed;
  switch (w.route) {
    case WriteCount::Route::kNone: return;
    case WriteCount::Route::kRewritten:
      ctx_.shared.statements_rewritten.fetch_add(1, relaxed);
      w.migration->writes_rewritten.fetch_add(1, relaxed);
      return;
    case WriteCount::Route::kRefused:
      ctx_.shared.statements_refused.fetch_add(1, relaxed);
      count(ctx_.shared.statements_refused_by, w.reason);
      w.migration->writes_refused.fetch_add(1, relaxed);
      count(w.migration->writes_refused_by, w.reason);
      w.migration->recent_refused.add(refusal_event(sql, reason));
      return;
    case WriteCount::Route::kPassed:
      ctx_.shared.statements_passed.fetch_add(1, relaxed);
      if (w.migration != nullptr) count(w.migration->writes_passed_by, w.reason);
      return;
  }
}

bool PgSession::inspect_frontend(char type, std::string_view body) {
  replacement_.clear();
  switch (type) {
    case 'Q': return inspect_query(body);
    case 'P': return inspect_parse(body);
    case 'B': return inspect_bind(body);
    case 'D': return inspect_describe(body);
    case 'C':
      note_close(body);
      return false;
  }
  return false;
}

bool PgSession::inspect_query(std::string_view body) {
  using Kind = rewrite::RewriteResult::Kind;
  const auto sql = pg::decode_query(body);
  if (!sql) {
    fail_to_client("08P01", "switchyard: malformed Query message");
    return true;  // dropped
  }
  prepared_.forget_unnamed();  // a simple Query destroys the unnamed statement
  uint32_t tag = 0;
  std::optional<std::string> prepare;  // a single PREPARE, with its statement planned
  if (rewrite::pg::mentions_prepared_commands(*sql)) {
    tag = next_tag();
    note_prepared_commands(*sql, tag, prepare);
    if (done()) return true;  // limits.max_prepared_statements
  }
  requests_.sent(pg::InjectedReplies::Request::kQuery, false, tag);
  if (prepare) {
    replacement_ = std::move(injection_);
    pg::encode_query(replacement_, *prepare);
    return true;
  }
  Plan p = plan(*sql);
  if (!p.result.completions.empty() && !start_reply_tracking()) {
    p.result.kind = Kind::kRefused;
    p.result.reason = "COPY FROM into a migrated table sent before the replies to the requests ahead of it arrived, in a "
                      "session that had no need to pair replies with requests until then; send it after them";
  }
  count_query(*sql, p);
  if (p.result.kind == Kind::kUnchanged && injection_.empty()) return false;
  replacement_ = std::move(injection_);
  if (p.result.kind == Kind::kUnchanged) {
    pg::encode_query(replacement_, *sql);
    return true;
  }
  remember_patches(p.result);
  if (p.result.kind == Kind::kRewritten) error_positions_.query_rewritten(p.result.sql, std::string(*sql));
  // A refusal is raised by the server itself, so it aborts the transaction and the
  // implicit transaction of a multi-statement string exactly as any error would.
  pg::encode_query(replacement_, p.result.kind == Kind::kRefused ? rewrite::pg::refusal_statement(p.result) : p.result.sql);
  return true;
}

bool PgSession::inspect_parse(std::string_view body) {
  using Kind = rewrite::RewriteResult::Kind;
  auto parse = pg::decode_parse(body);
  if (!parse) {
    fail_to_client("08P01", "switchyard: malformed Parse message");
    return true;
  }
  const Plan p = plan(parse->query, true);
  const bool changed = p.result.kind != Kind::kUnchanged;
  if (p.result.kind == Kind::kRewritten) error_positions_.parse_rewritten(p.result.sql, std::string(parse->query));
  else error_positions_.parse_relayed();
  if (!changed) {
    // The same text again under the same plan (an unnamed statement parsed before each
    // execution): the record already says what the server will hold, whatever this Parse does.
    if (const PreparedStatement* same = prepared_.find(parse->statement);
        same != nullptr && !prepared_.stale(*same) && same->upstream_text.empty() && same->text == parse->query &&
        same->param_types == parse->param_types && same->reads_mask == p.reads_mask) {
      requests_.sent(pg::InjectedReplies::Request::kParse, false);
      return false;
    }
  }
  PreparedStatement s = statement_of(parse->query, p);
  s.param_types = parse->param_types;
  if (p.result.kind == Kind::kRefused)
    spdlog::warn("session={} migration {}: refused ({}): {}", id_, p.result.migration, p.result.reason, parse->query);
  if (changed) {
    parse->query = s.upstream();  // parameter types stay as the client declared them
    if (s.refused) parse->param_types.clear();
    else remember_patches(p.result);
    pg::encode_parse(replacement_, *parse);
  }
  if (prepared_.size() >= cfg().limits.max_prepared_statements && !prepared_.find(parse->statement)) {
    too_many_statements();
    return true;
  }
  const uint32_t tag = next_tag();
  prepared_.put_pending(tag, std::string(parse->statement), std::move(s));
  requests_.sent(pg::InjectedReplies::Request::kParse, false, tag);
  to_upstream_->framer.set_capture(frontend_capture());
  return changed;
}

}  // namespace switchyard::proxy

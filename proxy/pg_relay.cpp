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
#include "rewrite/pg/dialect.h"
#include "rewrite/pg/prepared_commands.h"

namespace switchyard::proxy {

namespace asio = boost::asio;

pg::TypeSet PgSession::frontend_capture() const {
  // Query, Parse, Close, Sync and FunctionCall are always seen, and kept in place without a copy:
  // they time the upstream, find transaction boundaries, where a reload is adopted
  // (in_flight.h), and keep the record of prepared statements (prepared_statements.h).
  // Describe too: its answers pair with it only in order (injected_replies.h).
  pg::TypeSet capture{'Q', 'P', 'C', 'S', 'F', 'D'};
  capture.add(pg::CopyInSyncs::frontend_capture());  // Execute, CopyDone, CopyFail: Syncs ignored in copy-in mode
  if (prepared_.needs_bind()) capture.add('B');  // a statement to prepare again, count, refuse or sample
  if (replies_) {
    for (char t : {'B', 'D', 'E', 'C'}) capture.add(t);  // every request, to pair it with its replies
  }
  return capture;
}

Replacement PgSession::inspect(Pump& p, char type, std::string_view body) {
  if (p.dir == Dir::kToUpstream) {
    injection_.clear();
    idle_before_request_ = in_flight_.idle();
    lexical_.settled = idle_before_request_;  // else a request ahead may still change the settings
    // A Sync the server ignores in copy-in mode gets no ReadyForQuery: nothing counts it.
    if (!copy_syncs_.on_frontend(type)) return kKept;
    // Only Syncs come between a COPY's Execute and the end of its data (pg_copy.cpp).
    if (copy_running_ && type != 'S' && type != 'c' && type != 'f') copy_running_.reset();
    // A Bind's names are decoded once, here, for whoever looks at them.
    std::optional<pg::BindNames> bind;
    if (type == 'B') {
      bind = pg::decode_bind_names(body);
      if (!bind) {
        fail_to_client("08P01", "switchyard: malformed Bind message");
        return kDropped;
      }
    }
    std::vector<rewrite::Completion> completions;  // of a Query or Parse, for the reply tracker
    Replacement out;
    if (note_frontend(type)) out = inspect_frontend(type, body, bind, completions);
    if (replies_ && !done()) track_frontend(type, body, bind, std::move(completions));
    return out;
  }
  if (type == 'R') return inspect_authentication(body);  // captured only before authentication ends
  if (type == 'S') {  // the lexical settings statements are planned under (rewrite/lexical.h)
    const auto ps = pg::decode_parameter_status(body);
    if (!ps) {
      fail_to_client("08P01", "switchyard: malformed ParameterStatus from upstream");
      return kDropped;
    }
    lexical_.follow(ps->name, ps->value);
    return kKept;  // relayed without a copy
  }
  // The answer to a Describe of a statement the proxy may prepare again.
  std::string described;
  if (type == 't' || type == 'T' || type == 'n') {
    if (const auto d = describe_tags_.find(requests_.describing()); d != describe_tags_.end()) described = d->second;
  }
  if (type == 'G') {  // CopyInResponse: Syncs sent since its Execute are ignored (copy_in_syncs.h)
    copy_in_started();
    return kKept;
  }
  // The replies to requests the proxy slipped in are the client's to never see (but for the tag
  // of an extended-protocol COPY's mirror, which becomes the COPY's).
  std::string replaced;
  const auto verdict = requests_.on_backend(type, body, replaced, outcomes_);
  if (!outcomes_.empty()) on_request_outcomes();
  if (verdict != pg::InjectedReplies::Verdict::kKeep) {
    if (!requests_.injecting()) to_client_->framer.set_capture(backend_capture());
    if (verdict == pg::InjectedReplies::Verdict::kDrop) return kDropped;
    return replaced;
  }
  if (type == 'K') return replace_backend_key(body);
  if (replies_) {
    if (auto patched = track_backend(type, body)) return patched;  // dropped or replaced
  }
  if (type == 'E' && !error_positions_.empty()) {
    if (auto remapped = remap_error(body)) return remapped;
  }
  if (!described.empty()) {
    if (auto restored = on_describe_answer(described, type, body)) return restored;
  }
  if (type == 'Z') {
    const auto status = pg::decode_ready_for_query(body);
    if (!status) {
      fail_to_client("08P01", "switchyard: malformed ReadyForQuery from upstream");
      return kDropped;
    }
    transaction_status_ = *status;
    at_ready_for_query();  // upstream latency; a reloaded generation is adopted here
  }
  return kKept;  // relayed without a copy
}

Replacement PgSession::replace_backend_key(std::string_view body) {
  const auto key = pg::decode_backend_key_data(body);
  if (!key) {
    fail_to_client("08P01", "switchyard: malformed BackendKeyData from upstream");
    return kDropped;
  }
  if (client_key_registered_) ctx_.shared.cancels.remove(client_key_);
  boost::system::error_code ec;
  const auto upstream = upstream_.remote_endpoint(ec);
  if (ec) {
    close("upstream endpoint: " + ec.message());
    return kDropped;
  }
  client_key_ = ctx_.shared.cancels.add(CancelTarget{upstream, *key});
  client_key_registered_ = true;
  std::string out;
  pg::encode_backend_key_data(out, client_key_);
  return out;
}

Replacement PgSession::remap_error(std::string_view body) {
  const auto texts = error_positions_.current();
  if (!texts) return kKept;
  std::string out;
  // The server reports client_encoding by its canonical name.
  if (!remap_error_positions(body, *texts, lexical_.client_encoding == "UTF8", out)) return kKept;
  return out;
}

planner::Decision PgSession::plan(planner::Statement statement) {
  return plans_.plan(statement, lexical_, shadow_sampler());
}

void PgSession::count_query(std::string_view sql, planner::Decision& d) {
  plans_.count_query(sql, d);
  plans_.submit_shadow(std::move(d.shadow));
}

Replacement PgSession::inspect_frontend(char type, std::string_view body, const std::optional<pg::BindNames>& bind,
                                        std::vector<rewrite::Completion>& completions) {
  switch (type) {
    case 'Q': return inspect_query(body, completions);
    case 'P': return inspect_parse(body, completions);
    case 'B': return inspect_bind(body, *bind);
    case 'D': return inspect_describe(body);
    case 'C':
      note_close(body);
      return kKept;
    // An extended-protocol COPY into a migrated table (pg_copy.cpp); nothing else costs more than a test.
    case 'E': return tracks_copies_ ? inspect_execute(body) : kKept;
    case 'c':
    case 'f': return copy_running_ ? inspect_copy_end(type) : kKept;
  }
  return kKept;
}

Replacement PgSession::inspect_query(std::string_view body, std::vector<rewrite::Completion>& completions) {
  using Action = planner::Decision::Action;
  const auto sql = pg::decode_query(body);
  if (!sql) {
    fail_to_client("08P01", "switchyard: malformed Query message");
    return kDropped;
  }
  prepared_.forget_unnamed();  // a simple Query destroys the unnamed statement
  uint32_t tag = 0;
  std::optional<std::string> prepare;  // a single PREPARE, with its statement planned
  if (rewrite::pg::mentions_prepared_commands(*sql)) {
    tag = next_tag();
    note_prepared_commands(*sql, tag, prepare);
    if (done()) return kDropped;  // limits.max_prepared_statements
  }
  requests_.sent(pg::InjectedReplies::Request::kQuery, false, tag);
  if (prepare) {
    std::string out = std::move(injection_);
    pg::encode_query(out, *prepare);
    return out;
  }
  planner::Decision d = plan({planner::Statement::Kind::kQuery, *sql, {}});
  if (!d.completions.empty() && !start_reply_tracking())
    plans_.planner().refuse(d, "COPY FROM into a migrated table sent before the replies to the requests ahead of it arrived, in a "
                        "session that had no need to pair replies with requests until then; send it after them");
  count_query(*sql, d);
  if (d.action == Action::kRelay && injection_.empty()) return kKept;
  std::string out = std::move(injection_);
  if (d.action == Action::kRelay) {
    pg::encode_query(out, *sql);
    return out;
  }
  if (d.action == Action::kReplace) {
    completions = std::move(d.completions);
    error_positions_.query_rewritten(d.text, std::string(*sql));
  }
  // A refusal is raised by the server itself (Decision::text), so it aborts the transaction and
  // the implicit transaction of a multi-statement string exactly as any error would.
  pg::encode_query(out, d.text);
  return out;
}

Replacement PgSession::inspect_parse(std::string_view body, std::vector<rewrite::Completion>& completions) {
  using Action = planner::Decision::Action;
  auto parse = pg::decode_parse(body);
  if (!parse) {
    fail_to_client("08P01", "switchyard: malformed Parse message");
    return kDropped;
  }
  planner::Decision d = plan({planner::Statement::Kind::kPrepare, parse->query, parse->statement});
  track_copy(d);
  const bool changed = d.action != Action::kRelay;
  if (d.action == Action::kReplace) error_positions_.parse_rewritten(d.text, std::string(parse->query));
  else error_positions_.parse_relayed();
  if (!changed) {
    // The same text again under the same plan (an unnamed statement parsed before each
    // execution): the record already says what the server will hold, whatever this Parse does.
    if (const PreparedStatement* same = prepared_.find(parse->statement);
        same != nullptr && !prepared_.stale(*same) && same->upstream_text.empty() && same->text == parse->query &&
        same->param_types == parse->param_types && same->reads_mask == d.reads_mask) {
      requests_.sent(pg::InjectedReplies::Request::kParse, false);
      return kKept;
    }
  }
  PreparedStatement s = statement_of(parse->query, d);
  s.param_types = parse->param_types;
  if (d.action == Action::kRefuse && d.refusal.source == planner::Refusal::Source::kMigration)
    spdlog::warn("session={} migration {}: refused ({}): {}", id_, d.refusal.migration, d.refusal.reason, parse->query);
  Replacement out;
  if (changed) {
    parse->query = s.upstream();  // parameter types stay as the client declared them
    if (s.refused) parse->param_types.clear();
    else completions = std::move(d.completions);
    out.emplace();
    pg::encode_parse(*out, *parse);
  }
  if (prepared_.size() >= cfg().limits.max_prepared_statements && !prepared_.find(parse->statement)) {
    too_many_statements();
    return kDropped;
  }
  const uint32_t tag = next_tag();
  prepared_.put_pending(tag, std::string(parse->statement), std::move(s));
  requests_.sent(pg::InjectedReplies::Request::kParse, false, tag);
  to_upstream_->framer.set_capture(frontend_capture());
  return out;
}

}  // namespace switchyard::proxy

// PgSession's prepared statements (proxy/prepared_statements.h): the record of every statement
// the client prepares, protocol-level (Parse, Close) and SQL-level (PREPARE, EXECUTE,
// DEALLOCATE, DISCARD ALL), and the re-prepare that makes a statement follow a phase flip.
//
// After the session adopts another generation or canary route every statement is stale. At its
// next use (Bind, Describe, or EXECUTE in a Query) it is planned again under the session's
// current generation and route; if the text the server should hold differs from what it holds,
// the proxy sends, just before the client's message, a Close of the statement's name and a Parse
// of the new text under the same name, with the client's declared parameter types (for an
// EXECUTE, a Close and Sync, then the SQL PREPARE again). Their replies are dropped
// (protocol/pg/injected_replies.h), so the client sees nothing but its own replies; an error
// reaches it, and its statement is then prepared again at its next use. Statements a session
// does not use again cost nothing at a reload.
#include <algorithm>
#include <spdlog/spdlog.h>

#include "protocol/pg/backend.h"
#include "protocol/pg/describe.h"
#include "protocol/pg/frontend.h"
#include "proxy/pg_pump.h"
#include "proxy/pg_session.h"
#include "rewrite/pg/prepared_commands.h"

namespace switchyard::proxy {

namespace {

using Request = pg::InjectedReplies::Request;

void encode_close_statement(std::string& out, std::string_view name) {
  pg::encode_describe_or_close(out, 'C', pg::Target{'S', name});
}

}  // namespace

PreparedStatement PgSession::statement_of(std::string_view text, const planner::Decision& d) {
  using Action = planner::Decision::Action;
  PreparedStatement s;
  s.text = std::string(text);
  s.stamp = prepared_.current();
  if (d.action != Action::kRelay) s.upstream_text = d.text;  // kRelay: upstream() is the text itself
  s.refused = d.action == Action::kRefuse;
  if (d.action == Action::kReplace && !d.completions.empty() && d.completions.front().patched)
    s.patch = pg::ReplyPatch{d.completions.front().tag_verb, d.completions.front().suppress_rows,
                             d.completions.front().drop_tag};
  if (d.action == Action::kReplace) s.copy = d.copy;
  if (!d.writes) s.reads_mask = d.reads_mask;
  s.write_count = plans_.write_count(d.counting);
  s.shadow = d.shadow_candidate.has_value();
  s.touches = d.touches;
  return s;
}

void PgSession::too_many_statements() {
  fail_to_client("54000", "switchyard: this session holds " + std::to_string(prepared_.size()) +
                              " prepared statements, the most limits.max_prepared_statements allows; deallocate "
                              "some, or raise the limit");
}

void PgSession::count_use(const PreparedStatement& s) {
  plans_.count_reads(s.reads_mask);
  plans_.count_write(s.write_count, s.text, "refused when prepared");
}

bool PgSession::refresh(const std::string& name, PreparedStatement& s, bool before_query) {
  if (!prepared_.stale(s)) return false;
  planner::Decision d = plan({planner::Statement::Kind::kPrepare, s.text, name});
  if (!s.sql_level) track_copy(d);
  PreparedStatement next = statement_of(s.text, d);
  next.sql_level = s.sql_level;
  next.param_types = s.param_types;
  next.sql_types = s.sql_types;
  next.described_params = s.described_params;
  next.described_rows = s.described_rows;
  next.reprepared = s.reprepared;
  const bool same = s.stamp.generation != 0 && next.upstream() == s.upstream();
  if (same) {
    // The same text may now be patched otherwise (a COPY whose tracking started since).
    if (replies_) replies_->on_reprepare(name, next.patch);
    prepared_.replace(s, std::move(next));
    to_upstream_->framer.set_capture(frontend_capture());
    return false;
  }
  if (next.refused && d.refusal.source == planner::Refusal::Source::kMigration)
    spdlog::warn("session={} migration {}: refused ({}): {}", id_, d.refusal.migration, d.refusal.reason, s.text);
  const uint32_t tag = next_tag();
  reprepare_tags_[tag] = name;
  // Close of a name the server does not hold is no error, so this works whatever it holds.
  encode_close_statement(injection_, name);
  requests_.sent(Request::kClose, true);
  if (s.sql_level && before_query) {
    // The SQL form again, with the client's own type names.
    pg::encode_message(injection_, 'S', {});
    requests_.sent(Request::kSync, true);
    pg::encode_query(injection_, next.refused ? next.upstream()
                                              : rewrite::pg::prepare_statement(name, next.sql_types, next.upstream()));
    requests_.sent(Request::kQuery, true, tag);
  } else {
    pg::ParseMessage m;
    m.statement = name;
    m.query = next.upstream();
    if (!next.refused) m.param_types = next.param_types;
    // Types the server inferred for the first plan, as the client was told: pinned, so that the
    // new plan takes the same parameters.
    if (const auto told = pg::decode_parameter_description(next.described_params); told && !next.refused) {
      m.param_types.resize(std::max(m.param_types.size(), told->size()), 0);
      for (size_t i = 0; i < told->size(); ++i)
        if (m.param_types[i] == 0) m.param_types[i] = (*told)[i];
    }
    pg::encode_parse(injection_, m);
    requests_.sent(Request::kParse, true, tag);
    if (before_query) {
      // A Query follows: end this batch, so that a failed Parse cannot make the server skip it.
      pg::encode_message(injection_, 'S', {});
      requests_.sent(Request::kSync, true);
    }
  }
  next.reprepared = true;
  if (replies_) replies_->on_reprepare(name, next.patch);
  ctx_.shared.metrics.reprepares.fetch_add(1, std::memory_order_relaxed);
  spdlog::debug("session={} prepares statement \"{}\" again under generation {}", id_, name, gen_->number);
  prepared_.replace(s, std::move(next));
  to_upstream_->framer.set_capture(frontend_capture());
  to_client_->framer.set_capture(backend_capture());
  return true;
}

Replacement PgSession::inspect_bind(std::string_view body, const pg::BindNames& names) {
  PreparedStatement* s = prepared_.find(names.statement);
  if (s == nullptr) {
    if (auto p = portals_.find(names.portal); p != portals_.end()) portals_.erase(p);
    return kKept;  // the server will say it does not exist
  }
  refresh(std::string(names.statement), *s, false);
  if (s->reads_mask != 0 || s->reprepared || s->copy)
    portals_.insert_or_assign(std::string(names.portal), std::string(names.statement));
  else if (auto p = portals_.find(names.portal); p != portals_.end()) portals_.erase(p);
  count_use(*s);
  if (s->shadow && ctx_.shared.shadow) {
    shadow_bind(body, *s);
  }
  if (s->refused) {
    // The refusal statement takes no parameters.
    auto bind = pg::decode_bind(body);
    if (!bind) {
      fail_to_client("08P01", "switchyard: malformed Bind message");
      return kDropped;
    }
    bind->param_formats.clear();
    bind->params.clear();
    std::string out = std::move(injection_);
    pg::encode_bind(out, *bind);
    return out;
  }
  if (injection_.empty()) return kKept;
  std::string out = std::move(injection_);
  pg::encode_message(out, 'B', body);
  return out;
}

Replacement PgSession::inspect_describe(std::string_view body) {
  const auto target = pg::decode_describe_or_close(body);
  if (!target) {
    fail_to_client("08P01", "switchyard: malformed Describe message");
    return kDropped;
  }
  std::string name(target->name);
  if (target->kind != 'S') {
    const auto p = portals_.find(target->name);
    name = p == portals_.end() ? std::string() : p->second;
  }
  PreparedStatement* s = target->kind == 'S' || !name.empty() ? prepared_.find(name) : nullptr;
  const bool injected = s != nullptr && target->kind == 'S' && refresh(name, *s, false);
  uint32_t tag = 0;
  if (s != nullptr && (s->reads_mask != 0 || s->reprepared)) {
    tag = next_tag();
    describe_tags_[tag] = name;
  }
  requests_.sent(Request::kDescribe, false, tag);
  if (!injected) return kKept;
  std::string out = std::move(injection_);
  pg::encode_message(out, 'D', body);
  return out;
}

Replacement PgSession::on_describe_answer(const std::string& name, char type, std::string_view body) {
  PreparedStatement* s = prepared_.find(name);
  if (s == nullptr || type == 'n') return kKept;
  std::string& told = type == 't' ? s->described_params : s->described_rows;
  if (!s->reprepared) {
    if (told.empty()) told = std::string(body);
    return kKept;
  }
  if (type == 't' || told.empty()) return kKept;  // parameters: pinned in the re-prepare
  auto restored = pg::restore_row_origins(told, body);
  if (!restored || std::string_view(*restored).substr(5) == body) return kKept;
  return std::move(*restored);
}

void PgSession::note_close(std::string_view body) {
  const auto target = pg::decode_describe_or_close(body);
  if (!target || target->kind != 'S') {
    requests_.sent(Request::kClose, false);
    return;
  }
  const uint32_t tag = next_tag();
  prepared_.put_pending(tag, std::string(target->name), std::nullopt);
  requests_.sent(Request::kClose, false, tag);
  to_upstream_->framer.set_capture(frontend_capture());
}

void PgSession::note_prepared_commands(std::string_view sql, uint32_t tag, std::optional<std::string>& query) {
  using Kind = rewrite::pg::PreparedCommand::Kind;
  const auto commands = rewrite::pg::prepared_commands(sql);
  if (!commands) return;
  // In a string of several statements a failure does not say which ran.
  const bool single = commands->statements == 1;
  std::vector<std::string> prepared_here;  // by this very string: the server will hold them as written
  for (const auto& c : commands->commands) {
    switch (c.kind) {
      case Kind::kExecute:
        if (PreparedStatement* s = prepared_.find(c.name)) {
          if (std::find(prepared_here.begin(), prepared_here.end(), c.name) == prepared_here.end())
            refresh(c.name, *s, true);
          count_use(*s);
          // Sampled as the plain read it runs, with its arguments in place.
          if (s->shadow && ctx_.shared.shadow && single) {
            if (const auto read = rewrite::pg::with_arguments(s->text, c.args)) shadow_execute(*read);
          }
        }
        break;
      case Kind::kPrepare: {
        const planner::Decision d = plan({planner::Statement::Kind::kPrepare, c.query, c.name});
        PreparedStatement s = statement_of(c.query, d);
        s.sql_level = true;
        s.sql_types = c.types;
        if (prepared_.size() >= cfg().limits.max_prepared_statements && !prepared_.find(c.name))
          return too_many_statements();
        if (!single) {
          prepared_.put(c.name, std::move(s));  // prepared again at its first EXECUTE
          prepared_here.push_back(c.name);
          break;
        }
        if (s.refused && d.refusal.source == planner::Refusal::Source::kMigration)
          spdlog::warn("session={} migration {}: refused ({}): {}", id_, d.refusal.migration, d.refusal.reason, c.query);
        query = s.refused ? s.upstream() : rewrite::pg::prepare_statement(c.name, c.types, s.upstream());
        prepared_.put_pending(tag, c.name, std::move(s));
        break;
      }
      case Kind::kDeallocate:
        prepared_.put_pending(tag, c.name, std::nullopt, !single);
        break;
      case Kind::kDeallocateAll:
      case Kind::kDiscardAll:
        prepared_.clear_pending(tag, !single);
        break;
    }
  }
  to_upstream_->framer.set_capture(frontend_capture());
}

void PgSession::on_request_outcomes() {
  // Re-prepares and commits in request order, then rollbacks last first.
  for (auto& o : outcomes_) {
    if (const auto d = describe_tags_.find(o.tag); d != describe_tags_.end()) {
      describe_tags_.erase(d);
      o.tag = 0;
      continue;
    }
    if (const auto it = reprepare_tags_.find(o.tag); it != reprepare_tags_.end()) {
      if (!o.ok) {
        if (PreparedStatement* s = prepared_.find(it->second)) prepared_.make_unknown(*s);
      }
      reprepare_tags_.erase(it);
      o.tag = 0;
    } else if (o.ok) {
      prepared_.commit(o.tag);
    }
  }
  for (auto o = outcomes_.rbegin(); o != outcomes_.rend(); ++o)
    if (o->tag != 0 && !o->ok) prepared_.rollback(o->tag);
  outcomes_.clear();
  to_upstream_->framer.set_capture(frontend_capture());
}

void PgSession::publish_census() {
  const auto& held = prepared_.by_generation();
  if (published_generation_ == gen_->number && held == published_statements_) return;
  published_statements_ = held;
  published_generation_ = gen_->number;
  ctx_.shared.census.publish(id_, gen_, held);
}

}  // namespace switchyard::proxy

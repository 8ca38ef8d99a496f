// MySqlSession's statements: each COM_QUERY and COM_STMT_PREPARE planned by SessionPlans
// (proxy/session_plans.h) with the MySQL dialect (rewrite/mysql/dialect.h), then relayed,
// replaced by its rewrite, or refused; the generation adopted at transaction boundaries; and
// prepared statements followed by the server's id, so each execution is counted as its plan
// says and a statement whose plan a reload changed is not run under the old one.
//
// A refusal never reaches the server as the client wrote it: the command goes up as the
// stand-in "DO 0" (a COM_QUERY that does nothing; kRefusalStandIn), and the stand-in's OK comes
// back to the client as ERR 1235 (42000) with the reason, at its place among the replies, so
// pipelined commands keep their order. Inside a transaction nothing is undone, as with any
// statement error in MySQL.
#include <spdlog/spdlog.h>

#include "protocol/mysql/command.h"
#include "protocol/mysql/coding.h"
#include "protocol/mysql/response.h"
#include "protocol/mysql/statement.h"
#include "proxy/mysql_errors.h"
#include "proxy/mysql_pump.h"
#include "proxy/mysql_session.h"
#include "proxy/session_context.h"
#include "rewrite/mysql/dialect.h"
#include "rewrite/mysql/rewriter.h"
#include "rewrite/mysql/session_settings.h"

namespace switchyard::proxy {

using Action = planner::Decision::Action;
using Progress = mysql::ReplyTracker::Progress;

namespace {

// The largest query the framer can show whole (a packet without continuation).
size_t wide_capture_bytes(const config::Config& c) {
  return std::min<size_t>(c.limits.max_message_bytes, mysql::kMaxPacketChunk - 1);
}

bool migrations_past_off(const Generation& g) {
  for (const auto& m : g.catalog.migrations)
    if (m.spec.phase != config::Phase::kOff) return true;
  return false;
}

}  // namespace

void MySqlSession::update_routing() {
  CanaryIdentity who;
  who.session_draw = SessionPlans::session_draw(id_);
  who.user = user_;
  boost::system::error_code ec;
  const auto peer = client_.remote_endpoint(ec);
  if (!ec) who.client_address = peer.address().to_string();
  plans_.update(*gen_, std::move(who), ctx_.shared.shadow != nullptr);  // reads may be sampled when an executor runs
  // The DDL lint needs no migration: with it on, every query is planned (most leave the
  // planner at its keyword scan).
  plan_statements_ = !gen_->catalog.migrations.empty() || gen_->config.ddl_lint != config::DdlLint::kOff;
  // A statement is read whole to be planned; with every migration off, nothing is rewritten.
  to_upstream_->framer.set_wide_capture(
      {static_cast<uint8_t>(mysql::Command::kQuery), static_cast<uint8_t>(mysql::Command::kStmtPrepare)},
      migrations_past_off(*gen_) ? wide_capture_bytes(cfg()) : 0);
}

void MySqlSession::adopt_generation() {
  if (replies_->pending() != 0 || (replies_->status_flags() & mysql::status::kInTrans)) return;
  // Paid at every boundary: one atomic load; the mutex only when a reload published another.
  if (ctx_.shared.generation_number.load(std::memory_order_acquire) == gen_->number) return;
  auto next = ctx_.shared.generation();
  if (next == gen_) return;
  spdlog::debug("session={} adopts generation {} (was {})", id_, next->number, gen_->number);
  gen_ = std::move(next);
  update_routing();
  replan_prepared();
}

void MySqlSession::forget(Prepared& s) {
  ctx_.shared.prepared_text_bytes.fetch_sub(s.held, std::memory_order_relaxed);
  prepared_bytes_ -= s.held;
  s.held = 0;
}

void MySqlSession::refuse_prepared_script(planner::Decision& d) const {
  d.action = Action::kRefuse;
  d.refusal.message = "switchyard: migration " + d.script->migration +
                      ": a prepared write (COM_STMT_PREPARE) to a table under a two-table migration; switchyard mirrors "
                      "these writes as several statements, which only a text query can carry: send it as a query "
                      "(client-side prepared statements)";
  d.refusal.migration = d.script->migration;
  d.refusal.reason = "a prepared write to a table under a two-table migration";
  d.counting = {planner::WriteCounting::Route::kRefused, d.script->migration, rewrite::RefusalReason::kUnsupportedForm};
  d.script.reset();
}

void MySqlSession::refuse_command(Pump& p, std::string message, std::string& sent) {
  sent.assign(1, static_cast<char>(mysql::Command::kQuery));
  sent += rewrite::mysql::kRefusalStandIn;
  p.replacement.clear();
  mysql::encode_packet(p.replacement, 0, sent);
  refusals_.emplace_back(commands_sent_, std::move(message));
}

bool MySqlSession::plan_command(Pump& p, std::string_view payload, bool whole, std::string& sent) {
  const auto command = mysql::command_of(payload);
  if (command == mysql::Command::kInitDb) changes_settings_ = true;  // the current database
  if (command == mysql::Command::kResetConnection || command == mysql::Command::kChangeUser) {
    changes_settings_ = true;           // both reset the session's variables
    for (auto& [id, s] : prepared_) forget(s);
    prepared_.clear();                  // and close its prepared statements
    to_close_.clear();
    return false;
  }
  adopt_generation();
  // Known after this command is planned (under the settings before it): client_packet notes it.
  if (command == mysql::Command::kQuery && rewrite::mysql::may_change_settings(payload.substr(1))) changes_settings_ = true;
  // Prepared statements are followed whatever the generation (mysql_prepared.cpp), so that one
  // prepared before a reload brought a migration is planned under it.
  switch (command.value_or(mysql::Command::kQuit)) {
    case mysql::Command::kStmtExecute:
    case mysql::Command::kStmtBulkExecute:
    case mysql::Command::kStmtSendLongData:
    case mysql::Command::kStmtReset:
    case mysql::Command::kStmtClose:
    case mysql::Command::kStmtFetch: return prepared_command(p, payload, whole, sent);
    default: break;
  }
  if (command == mysql::Command::kQuery && !plan_statements_) return false;  // pass-through: nothing to plan
  if (command != mysql::Command::kQuery && command != mysql::Command::kStmtPrepare) return false;
  const auto kind = command == mysql::Command::kQuery ? planner::Statement::Kind::kQuery : planner::Statement::Kind::kPrepare;
  if (!whole) {
    // Past the capture: the framer reads queries and prepared texts whole up to
    // limits.max_message_bytes while a migration is past off, else up to 64 KiB.
    if (!migrations_past_off(*gen_)) {
      if (kind == planner::Statement::Kind::kPrepare) {
        Prepared s;
        s.unread = true;
        preparing_.emplace_back(commands_sent_, Preparing{std::move(s), std::nullopt});
      }
      return false;
    }
    fail_to_client(kNetPacketTooLarge, "08S01", "switchyard: a statement longer than " + std::to_string(wide_capture_bytes(cfg())) +
                       " bytes while migrations are active: switchyard reads each statement whole to know whether it "
                       "writes a migrated table (limits.max_message_bytes)",
                   1);
    return false;
  }
  const std::string_view sql = payload.substr(1);
  if (kind == planner::Statement::Kind::kPrepare && prepared_.size() + preparing_.size() >= cfg().limits.max_prepared_statements) {
    refuse_command(p, "switchyard: more than " + std::to_string(cfg().limits.max_prepared_statements) +
                          " prepared statements in one session (limits.max_prepared_statements)", sent);
    return true;
  }
  planner::Decision d = plans_.plan({kind, sql, {}}, lexical_, shadow_sampler());
  if (d.script && kind == planner::Statement::Kind::kPrepare) refuse_prepared_script(d);
  if (kind == planner::Statement::Kind::kQuery) {
    plans_.count_query(sql, d);
    plans_.submit_shadow(std::move(d.shadow));  // never waits; unset unless sampled
  } else if (d.action == Action::kRefuse) {
    plans_.count_write(plans_.write_count(d.counting), sql, d.refusal.reason);
  } else {
    // The texts of every session's prepared statements are bounded together, so that however
    // many statements clients prepare, the proxy's memory for them is.
    const size_t bytes = sql.size() + d.upstream(sql).size();
    auto& held = ctx_.shared.prepared_text_bytes;
    if (held.fetch_add(bytes, std::memory_order_relaxed) + bytes > cfg().limits.max_assembly_bytes) {
      held.fetch_sub(bytes, std::memory_order_relaxed);
      refuse_command(p, "switchyard: the prepared statements of all sessions hold more than limits.max_assembly_bytes (" +
                            std::to_string(cfg().limits.max_assembly_bytes) + " bytes) of text", sent);
      return true;
    }
    prepared_bytes_ += bytes;
    Prepared s;
    s.held = bytes;
    s.sql = std::string(sql);
    s.upstream_sql = std::string(d.upstream(sql));
    s.counting = plans_.write_count(d.counting);
    s.reads_mask = d.writes ? 0 : d.reads_mask;
    s.shadow = d.shadow_candidate.has_value();
    preparing_.emplace_back(commands_sent_, Preparing{std::move(s), std::nullopt});
  }
  switch (d.action) {
    case Action::kRelay: return false;
    case Action::kRefuse: refuse_command(p, std::move(d.refusal.message), sent); return true;
    case Action::kReplace:
      if (d.script) {
        start_script(p, std::move(*d.script), sent);
        return true;
      }
      sent.assign(1, payload[0]);
      sent += d.text;
      mysql::encode_packet(p.replacement, 0, sent);
      return true;
  }
  return false;
}

bool MySqlSession::reply_packet(Pump& p, uint64_t ordinal, uint8_t seq, std::string_view payload, Progress progress) {
  if (script_ && script_->ordinal == ordinal) return script_packet(p, payload, progress);
  bool replaced = false;
  if (asking_settings_) {
    replaced = settings_packet(p, payload, progress);
  } else if (!refusals_.empty() && refusals_.front().first == ordinal) {
    // The stand-in's OK (or the server's ERR for an execute whose re-prepare it refused): the
    // refusal in its place.
    if (mysql::is_ok_packet(payload, capabilities_) || mysql::is_err_packet(payload))
      p.replacement = mysql::build_error_packet(seq, rewrite::mysql::kRefusalErrno, rewrite::mysql::kRefusalSqlState,
                                                refusals_.front().second, capabilities_);
    refusals_.pop_front();
    replaced = true;
    if (p.replacement.empty()) replaced = false;  // the server's own ERR for it goes on
  } else if (!preparing_.empty() && preparing_.front().first == ordinal) {
    replaced = prepare_reply(p, payload, progress);
  }
  if (progress != Progress::kComplete) return replaced;
  if (settings_change_ && *settings_change_ == ordinal) {
    settings_change_.reset();
    settings_stale_ = true;
  }
  // Asked once nothing else is in flight: the client waits for this packet, which is held.
  if (settings_stale_ && !asking_settings_ && replies_->pending() == 0) {
    std::string wire = replaced ? std::move(p.replacement) : std::string();
    if (!replaced) mysql::encode_packet(wire, seq, payload);
    p.replacement.clear();
    if (ask_settings(std::move(wire))) return true;
    p.replacement = std::move(held_);
    held_.clear();
    return true;
  }
  return replaced;
}

}  // namespace switchyard::proxy

// MySqlSession's prepared statements (COM_STMT_*): followed by id from their prepare OK, so
// that each execution counts as its plan says, and so that a reload that changes a statement's
// plan takes effect at its next execution, as it does for a PostgreSQL session.
//
// When the session adopts a generation (at a transaction boundary), every statement's text is
// planned again. The same text upstream: it runs on. A refusal: its executions are refused
// (ERR 1235). Another text: at its next COM_STMT_EXECUTE the session prepares the new text
// itself and executes it in the same write, by MariaDB's statement id -1 ("the statement just
// prepared", which the server forgets when that prepare fails), with the parameter types the
// client last bound; the prepare's reply is the session's own, and the client sees only its
// execute's. From then on the client's id stands for the new server statement (every command
// naming it is renumbered), and the old one is closed with the client's next command. MySQL
// has no id -1: there, and for a statement with COM_STMT_SEND_LONG_DATA pending (the data went
// to the old statement), the execution is refused with "prepare it again" instead.
#include <spdlog/spdlog.h>

#include "protocol/mysql/binary_value.h"
#include "protocol/mysql/coding.h"
#include "protocol/mysql/command.h"
#include "protocol/mysql/response.h"
#include "protocol/mysql/statement.h"
#include "proxy/mysql_errors.h"
#include "proxy/mysql_pump.h"
#include "proxy/mysql_session.h"
#include "rewrite/mysql/dialect.h"
#include "rewrite/mysql/placeholders.h"

namespace switchyard::proxy {

using Action = planner::Decision::Action;
using Progress = mysql::ReplyTracker::Progress;

namespace {

constexpr uint32_t kLastPrepared = 0xFFFFFFFF;  // MariaDB: the statement the last prepare made

std::optional<uint32_t> statement_id(std::string_view payload) {
  if (payload.size() < 5) return std::nullopt;
  return static_cast<uint32_t>(mysql::get_int(reinterpret_cast<const unsigned char*>(payload.data()) + 1, 4));
}

void put_id(std::string& payload, uint32_t id) {
  for (int i = 0; i < 4; ++i) payload[1 + i] = static_cast<char>((id >> (8 * i)) & 0xFF);
}

// Where a COM_STMT_EXECUTE's new_params_bound byte is: after the id, flags, iteration count and
// the NULL bitmap (only when the statement has parameters).
size_t bound_flag_at(uint16_t params) { return 1 + 4 + 1 + 4 + (params + 7u) / 8u; }

// The types an execute carries (2 bytes per parameter), when it carries them.
std::optional<std::string_view> bound_types(std::string_view payload, uint16_t params) {
  if (params == 0) return std::nullopt;
  const size_t at = bound_flag_at(params);
  if (payload.size() < at + 1 + 2u * params || payload[at] != 1) return std::nullopt;
  return payload.substr(at + 1, 2u * params);
}

}  // namespace

void MySqlSession::replan_prepared() {
  bool active = false;
  for (const auto& m : gen_->catalog.migrations) active = active || m.spec.phase != config::Phase::kOff;
  for (auto& [id, s] : prepared_) {
    s.refused.clear();
    s.reprepare.reset();
    if (s.unread) {
      if (active)
        s.refused = "switchyard: statement " + std::to_string(id) + " was prepared from a text longer than " +
                    std::to_string(Pump::kCaptureBytes) + " bytes, which switchyard did not read, and migrations are "
                    "active now; prepare it again";
      continue;
    }
    planner::Decision d = plans_.plan({planner::Statement::Kind::kPrepare, s.sql, {}}, lexical_, shadow_sampler());
    if (d.script) refuse_prepared_script(d);
    s.counting = plans_.write_count(d.counting);
    s.reads_mask = d.writes ? 0 : d.reads_mask;
    s.shadow = d.shadow_candidate.has_value();
    if (d.action == Action::kRefuse) s.refused = std::move(d.refusal.message);
    else if (std::string upstream(d.upstream(s.sql)); upstream != s.upstream_sql) s.reprepare = std::move(upstream);
  }
}

bool MySqlSession::prepared_command(Pump& p, std::string_view payload, bool whole, std::string& sent) {
  const auto command = *mysql::command_of(payload);
  // A packet longer than the capture (an execute with inline BLOBs, SEND_LONG_DATA) shows its
  // head, Pump::kLongHead bytes: what replaces it is a header of the packet's length and the
  // head as changed (renumbered, or with the parameter types), and the rest streams behind.
  const auto emit = [&](const std::string& body) {
    if (whole) {
      mysql::encode_packet(p.replacement, 0, body);
      return true;
    }
    const size_t length = p.long_chunk + body.size() - payload.size();
    // A longer head changes the chunk boundaries when continuation packets follow.
    if (body.size() != payload.size() && (p.long_chunk >= mysql::kMaxPacketChunk || length >= mysql::kMaxPacketChunk)) return false;
    for (int i = 0; i < 3; ++i) p.replacement.push_back(static_cast<char>((length >> (8 * i)) & 0xFF));
    p.replacement.push_back('\0');
    p.replacement += body;
    return true;
  };
  const auto cannot_stream = [&](const std::string& why) {
    fail_to_client(kNetPacketTooLarge, "08S01", "switchyard: a prepared-statement packet longer than " +
                       std::to_string(Pump::kCaptureBytes) + " bytes, which switchyard streams and cannot answer in its place: " +
                       why,
                   1);
    return false;
  };
  // A refusal: a stand-in in the packet's place, or for a long one (which cannot be dropped),
  // the session's end.
  const auto refuse = [&](std::string message) {
    if (!whole) return cannot_stream(message);
    refuse_command(p, std::move(message), sent);
    return true;
  };
  const auto id = statement_id(payload);
  const auto it = id ? prepared_.find(*id) : prepared_.end();
  if (it == prepared_.end()) return false;  // the server answers an unknown id
  Prepared& s = it->second;
  const auto renumbered = [&] {
    if (s.server_id == *id) return false;
    sent.assign(payload);
    put_id(sent, s.server_id);
    return emit(sent) || cannot_stream("its statement could not be renumbered");
  };
  switch (command) {
    case mysql::Command::kStmtClose: {
      const bool r = renumbered();
      forget(s);
      prepared_.erase(it);
      return r;
    }
    case mysql::Command::kStmtSendLongData: s.long_data = true; return renumbered();
    case mysql::Command::kStmtReset: s.long_data = false; return renumbered();
    case mysql::Command::kStmtFetch: return renumbered();
    default: break;  // an execution
  }
  const std::string why_again = "switchyard: statement " + std::to_string(*id) + " was prepared before a reload changed how it runs";
  if (s.represparing) return refuse(why_again + ", and was executed again before its new prepare was answered; wait for each reply");
  if (!s.refused.empty()) {
    plans_.count_write(s.counting, s.sql, s.refused);
    return refuse(s.refused);
  }
  if (s.reads_mask != 0) plans_.count_reads(s.reads_mask);
  plans_.count_write(s.counting, s.sql, {});
  if (command == mysql::Command::kStmtExecute) {
    if (auto types = bound_types(payload, s.num_params)) s.types.assign(*types);
    else if (!whole && s.num_params > 0 && payload.size() < bound_flag_at(s.num_params) + 1 + 2u * s.num_params)
      return cannot_stream("its parameters' types lie past the " + std::to_string(Pump::kLongHead) + " bytes switchyard reads");
    if (s.shadow && whole && !s.long_data && ctx_.shared.shadow) shadow_execute(s, payload);
  }
  if (!s.reprepare) {
    s.long_data = false;
    return renumbered();
  }
  const bool typed = s.num_params == 0 || s.types.size() == 2u * s.num_params;
  if (!lexical_.mysql.mariadb || command != mysql::Command::kStmtExecute || s.long_data || !typed)
    return refuse(why_again + (lexical_.mysql.mariadb ? (s.long_data ? " and has COM_STMT_SEND_LONG_DATA pending" : "")
                                                      : " (MySQL cannot execute a statement prepared in the same write)") +
                  "; prepare it again");
  // Prepared again, and executed as the statement just prepared, in one write.
  std::string prepare(1, static_cast<char>(mysql::Command::kStmtPrepare));
  prepare += *s.reprepare;
  sent.assign(payload);
  put_id(sent, kLastPrepared);
  if (s.num_params > 0 && !bound_types(payload, s.num_params)) {
    const size_t at = bound_flag_at(s.num_params);
    if (sent.size() < at + 1) return false;  // malformed: the server says so
    sent[at] = 1;
    sent.insert(at + 1, s.types);
  }
  mysql::encode_packet(p.replacement, 0, prepare);
  if (!emit(sent)) return cannot_stream("its parameters' types cannot be added to it");
  preparing_.emplace_back(commands_sent_, Preparing{{}, *id});
  if (replies_->on_command(prepare)) ++commands_sent_;
  spdlog::debug("session={} statement {} prepared again: {}", id_, *id, *s.reprepare);
  s.upstream_sql = std::move(*s.reprepare);
  s.reprepare.reset();
  s.represparing = true;
  s.long_data = false;
  return true;
}

void MySqlSession::shadow_execute(const Prepared& s, std::string_view payload) {
  planner::Sampler& sampler = shadow_sampler();
  const double drawn = plans_.planner().shadow_draw(s.sql, sampler);
  if (drawn <= 0) return;  // not sampled: nothing decoded
  const rewrite::Dialect& dialect = rewrite::mysql::dialect();
  const auto lexical = dialect.shadow_lexical(lexical_);
  if (!lexical) return;
  std::vector<mysql::ParamType> previous;
  for (size_t i = 0; i + 1 < s.types.size(); i += 2)
    previous.push_back({static_cast<mysql::ColumnType>(static_cast<uint8_t>(s.types[i])), (static_cast<uint8_t>(s.types[i + 1]) & 0x80) != 0});
  const auto execute = mysql::decode_stmt_execute(payload, s.num_params, previous);
  if (!execute.value || execute.value->params.size() != s.num_params) return;
  std::vector<std::string> values;
  values.reserve(s.num_params);
  for (const mysql::ExecuteParam& param : execute.value->params) {
    std::optional<std::string> literal;
    if (param.is_null) literal = "NULL";
    else if (!param.long_data) literal = mysql::binary_value_literal(param.type.type, param.type.is_unsigned, param.value, client_charset_);
    if (!literal) return;  // a value the shadow read cannot say exactly: not compared
    values.push_back(std::move(*literal));
  }
  const auto read = rewrite::mysql::with_parameters(s.sql, values, lexical->mysql);
  if (!read) return;
  CachedRewrites rewrites(ctx_.rewrites, *gen_, dialect);
  plans_.submit_shadow(plans_.planner().shadow_use(*read, {}, *lexical, rewrites, sampler, drawn));
}

bool MySqlSession::prepare_reply(Pump& p, std::string_view payload, Progress progress) {
  Preparing& e = preparing_.front().second;
  const bool ours = e.reprepares.has_value();
  if (progress != Progress::kComplete) return ours;  // the session's own: dropped
  const auto& ok = replies_->last_prepare_ok();
  const bool prepared = ok && !mysql::is_err_packet(payload);
  if (!ours) {
    if (prepared) {
      e.statement.server_id = ok->statement_id;
      e.statement.num_params = ok->num_params;
      Prepared& slot = prepared_[ok->statement_id];
      forget(slot);  // an id the server gave before (after COM_RESET_CONNECTION's clear): replaced
      slot = std::move(e.statement);
    } else {
      forget(e.statement);
    }
    preparing_.pop_front();
    return false;
  }
  const auto it = prepared_.find(*e.reprepares);
  if (it == prepared_.end()) {
    if (prepared) to_close_.push_back(ok->statement_id);  // closed by the client meanwhile
  } else if (prepared) {
    it->second.represparing = false;
    to_close_.push_back(it->second.server_id);
    it->second.server_id = ok->statement_id;
    it->second.num_params = ok->num_params;
  } else {
    // The server refused the new text; its execute (id -1) fails with it, and so does every
    // later one, with the reason.
    const auto err = mysql::decode_err(payload, capabilities_);
    it->second.represparing = false;
    it->second.refused = "switchyard: statement " + std::to_string(it->first) + " could not be prepared again after a reload: " +
                         (err ? std::string(err->message) : std::string("the server refused it"));
    spdlog::warn("session={} {}", id_, it->second.refused);
    refusals_.emplace_front(preparing_.front().first + 1, it->second.refused);  // its execute's ERR
  }
  preparing_.pop_front();
  p.replacement.clear();
  return true;
}

}  // namespace switchyard::proxy

// MySqlSession's write scripts: a write of a two-table migration (rename_table, copy_table) that
// the MySQL rewriter planned as several statements (rewrite/mysql/table_writes.h), run by the
// session in place of the client's one:
//
//   START TRANSACTION              (or SAVEPOINT switchyard_write inside the client's transaction,
//                                   or with autocommit off: the server's last status flags say)
//   [capture]  the keys of the rows the write changes, locked (UPDATE, DELETE)
//   write      the client's statement, limited to those keys (none captured: as written, and
//              round again from the capture if it matched rows after all)
//   mirror...  the other table brought in line for those keys
//   COMMIT                         (or RELEASE SAVEPOINT switchyard_write)
//
// Each statement is sent when the previous one's reply is complete, and every reply is the
// session's own: none reaches the client. The client gets one packet at the end, in the place of
// its command's reply: the write's OK packet exactly as the server sent it (affected rows, last
// insert id, warning count, info string), with the status flags of the last statement; or, when
// any statement failed, after ROLLBACK [TO SAVEPOINT], that statement's ERR (a mirror's with
// switchyard's prefix), so nothing is half applied. Over kMaxKeys captured rows the write is
// refused (ERR 1235) before it runs.
//
// The client waits for that packet, so the session stops reading from the client while a script
// runs (relay_written pauses the client->upstream pump; the end resumes it). A command the client
// pipelined in the same read behind the scripted one cannot be ordered after the script's
// statements, and ends the session with an ERR that says so.
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

#include "protocol/mysql/command.h"
#include "protocol/mysql/resultset.h"
#include "protocol/mysql/response.h"
#include "proxy/mysql_errors.h"
#include "proxy/mysql_pump.h"
#include "proxy/mysql_session.h"
#include "rewrite/mysql/rewriter.h"
#include "rewrite/mysql/table_writes.h"

namespace switchyard::proxy {

using Progress = mysql::ReplyTracker::Progress;

namespace {

// The rows one scripted UPDATE or DELETE may change: their keys travel in the statements' text.
constexpr size_t kMaxKeys = 10000;

constexpr char kSavepoint[] = "switchyard_write";

// Rounds of a script whose capture found no rows but whose write then matched some.
constexpr int kMaxRetries = 3;

// Rounds of a script of its own transaction that InnoDB chose as a deadlock's victim (1213:
// the whole transaction is rolled back, so nothing of it is left and it can run again, as an
// application would retry it). Inside the client's transaction the deadlock undid the client's
// work too, and the client gets the error, as it would without switchyard.
constexpr int kMaxDeadlockRetries = 3;
constexpr unsigned kDeadlock = 1213;

// Whether the write's OK says it matched rows: affected rows, or an UPDATE's "Rows matched: N".
bool touched_rows(const std::string& ok_payload, uint32_t capabilities) {
  const auto ok = mysql::decode_ok(ok_payload, capabilities);
  if (!ok) return true;
  if (ok->affected_rows > 0) return true;
  constexpr std::string_view kMatched = "Rows matched: ";
  return ok->info.substr(0, kMatched.size()) == kMatched && ok->info.substr(kMatched.size(), 1) != "0";
}

}  // namespace

void MySqlSession::start_script(Pump& p, rewrite::WriteScript plan, std::string& sent) {
  script_ = std::make_unique<Script>();
  Script& s = *script_;
  s.plan = std::move(plan);
  const uint16_t status = replies_->status_flags();
  s.savepoint = (status & mysql::status::kInTrans) != 0 || (status & mysql::status::kAutocommit) == 0;
  s.ordinal = commands_sent_;  // client_packet counts it once the replacement is set
  sent.assign(1, static_cast<char>(mysql::Command::kQuery));
  sent += s.savepoint ? std::string("SAVEPOINT ") + kSavepoint : std::string("START TRANSACTION");
  p.replacement.clear();
  mysql::encode_packet(p.replacement, 0, sent);
}

void MySqlSession::script_send(const std::string& sql) {
  Script& s = *script_;
  std::string payload(1, static_cast<char>(mysql::Command::kQuery));
  payload += sql;
  auto wire = std::make_shared<std::string>();
  mysql::encode_packet(*wire, 0, payload);
  s.ordinal = commands_sent_;
  s.packets = 0;
  s.columns = 0;
  s.step_error.clear();
  if (replies_->on_command(payload)) ++commands_sent_;
  // The client waits for its reply and the server has answered all that went before, so the
  // upstream leg has nothing else to write: the bytes go now, or the rest with one async write.
  boost::system::error_code ec;
  const size_t n = upstream_leg_.write_now(boost::asio::buffer(*wire), ec);
  if (ec) return close("upstream write: " + ec.message());
  if (n == wire->size()) return;
  to_upstream_->busy = true;
  upstream_leg_.async_write(boost::asio::buffer(wire->data() + n, wire->size() - n),
                            [self = shared_from_this(), wire](boost::system::error_code wec, size_t) {
                              self->to_upstream_->busy = false;
                              if (self->done()) return;
                              if (wec) return self->close("upstream write: " + wec.message());
                            });
}

bool MySqlSession::script_packet(Pump& p, std::string_view payload, Progress progress) {
  Script& s = *script_;
  const size_t i = s.packets++;
  if (i == 0) {
    if (mysql::is_err_packet(payload)) s.step_error = std::string(payload);
    else if (s.step == Script::Step::kWrite && mysql::is_ok_packet(payload, capabilities_)) s.write_ok = std::string(payload);
    else if (s.step == Script::Step::kCapture && !mysql::is_ok_packet(payload, capabilities_))
      s.columns = mysql::decode_column_count(payload).value_or(0);
  } else if (s.step == Script::Step::kCapture && progress != Progress::kComplete) {
    const size_t row_at = 1 + s.columns + ((capabilities_ & mysql::cap::kDeprecateEof) ? 0 : 1);
    if (i >= row_at && s.columns > 0) {
      if (s.keys.size() >= kMaxKeys) {
        s.too_many = true;
      } else if (auto row = mysql::decode_text_row(payload, s.columns)) {
        std::vector<std::string> key;
        for (const auto& v : *row) key.emplace_back(v ? std::string(*v) : std::string());
        s.keys.push_back(std::move(key));
      } else if (s.step_error.empty()) {
        mysql::ErrPacket err{kHandshakeError, "HY000", "switchyard: could not read the keys of the rows the write changes"};
        mysql::encode_err(s.step_error, err, capabilities_);
      }
    }
  }
  p.replacement.clear();  // dropped: the client never sees a script statement's reply
  if (progress == Progress::kComplete) script_advance(p);
  return true;
}

void MySqlSession::script_advance(Pump& p) {
  Script& s = *script_;
  const bool nbe = lexical_.mysql.no_backslash_escapes;
  const auto error_wire = [&](std::string_view err_payload, const std::string& prefix) {
    const auto err = mysql::decode_err(err_payload, capabilities_);
    if (!err) return mysql::build_error_packet(1, kHandshakeError, "HY000", prefix + "a statement failed", capabilities_);
    if (prefix.empty()) {
      std::string wire;
      mysql::encode_packet(wire, 1, err_payload);
      return wire;
    }
    return mysql::build_error_packet(1, err->error_code, err->sql_state.empty() ? "HY000" : err->sql_state,
                                     prefix + std::string(err->message), capabilities_);
  };
  const auto roll_back = [&](std::string failure) {
    s.failure = std::move(failure);
    s.step = Script::Step::kRollback;
    script_send(s.savepoint ? std::string("ROLLBACK TO SAVEPOINT ") + kSavepoint : std::string("ROLLBACK"));
  };
  const auto mirror_or_end = [&] {
    if (s.mirror < s.plan.mirror.size() && s.keys_sql != "FALSE") {
      s.step = Script::Step::kMirror;
      return script_send(s.plan.mirror[s.mirror].with(s.keys_sql));
    }
    s.step = Script::Step::kEnd;
    script_send(s.savepoint ? std::string("RELEASE SAVEPOINT ") + kSavepoint : std::string("COMMIT"));
  };
  const std::string prefix = "switchyard: migration " + s.plan.migration + ": ";
  // A deadlock of the script's own transaction: go round again from the start.
  const bool in_script = s.step == Script::Step::kCapture || s.step == Script::Step::kWrite || s.step == Script::Step::kMirror;
  if (in_script && !s.savepoint && !s.step_error.empty() && s.deadlocks < kMaxDeadlockRetries) {
    const auto err = mysql::decode_err(s.step_error, capabilities_);
    if (err && err->error_code == kDeadlock) {
      ++s.deadlocks;
      spdlog::info("session={} migration {}: the mirrored write was chosen as a deadlock's victim and rolled back; running it "
                   "again (round {} of {})",
                   id_, s.plan.migration, s.deadlocks + 1, kMaxDeadlockRetries + 1);
      s.step = Script::Step::kRetry;
      return script_send("ROLLBACK");
    }
  }
  switch (s.step) {
    case Script::Step::kBegin:
      if (!s.step_error.empty()) return script_finish(p, error_wire(s.step_error, prefix + "could not begin the mirrored write: "));
      if (!s.plan.capture.empty()) {
        s.step = Script::Step::kCapture;
        return script_send(s.plan.capture.with("TRUE"));
      }
      s.step = Script::Step::kWrite;
      return script_send(s.plan.write.with("TRUE"));
    case Script::Step::kCapture:
      if (!s.step_error.empty()) return roll_back(error_wire(s.step_error, ""));
      if (s.too_many)
        return roll_back(mysql::build_error_packet(
            1, rewrite::mysql::kRefusalErrno, rewrite::mysql::kRefusalSqlState,
            prefix + "the write changes more than " + std::to_string(kMaxKeys) +
                " rows of a table under a two-table migration, whose keys switchyard carries to the mirror; split it into smaller writes",
            capabilities_));
      s.step = Script::Step::kWrite;
      if (s.keys.empty()) {
        // Nothing to change: the write runs as the client wrote it (limited to no keys, the
        // server would answer an impossible WHERE without "Rows matched: 0 ..."), and must match
        // nothing; a row that appeared since the capture (no gap locks under READ COMMITTED)
        // makes it go round again.
        s.keys_sql = "FALSE";
        s.unrestricted = true;
        return script_send(s.plan.write.with("TRUE"));
      }
      s.keys_sql = rewrite::mysql::keys_condition(s.plan, s.keys, 0, nbe);
      s.keys.clear();
      return script_send(s.plan.write.with(s.keys_sql));
    case Script::Step::kWrite:
      if (!s.step_error.empty()) return roll_back(error_wire(s.step_error, ""));
      if (s.unrestricted && touched_rows(s.write_ok, capabilities_)) {
        if (++s.retries > kMaxRetries)
          return roll_back(mysql::build_error_packet(
              1, rewrite::mysql::kRefusalErrno, rewrite::mysql::kRefusalSqlState,
              prefix + "rows matching the write kept appearing while switchyard captured their keys; retry it", capabilities_));
        s.step = Script::Step::kRetry;
        return script_send(s.savepoint ? std::string("ROLLBACK TO SAVEPOINT ") + kSavepoint : std::string("ROLLBACK"));
      }
      if (s.plan.capture.empty()) {  // an INSERT: its own keys, and the AUTO_INCREMENT values it took
        const auto ok = mysql::decode_ok(s.write_ok, capabilities_);
        s.keys_sql = rewrite::mysql::keys_condition(s.plan, {}, ok ? ok->last_insert_id : 0, nbe);
      }
      return mirror_or_end();
    case Script::Step::kMirror:
      if (!s.step_error.empty())
        return roll_back(error_wire(s.step_error, prefix + "the write was rolled back: mirroring it into the other table failed: "));
      ++s.mirror;
      return mirror_or_end();
    case Script::Step::kEnd: {
      if (!s.step_error.empty()) return script_finish(p, error_wire(s.step_error, ""));
      std::string wire;
      const auto ok = mysql::decode_ok(s.write_ok, capabilities_);
      if (!ok) {
        mysql::encode_packet(wire, 1, s.write_ok);
        return script_finish(p, std::move(wire));
      }
      mysql::OkPacket reply = *ok;
      const uint16_t last = replies_->status_flags();
      reply.status_flags = static_cast<uint16_t>((last & ~mysql::status::kSessionStateChanged) |
                                                 (ok->status_flags & mysql::status::kSessionStateChanged));
      std::string payload;
      mysql::encode_ok(payload, reply, capabilities_);
      mysql::encode_packet(wire, 1, payload);
      return script_finish(p, std::move(wire));
    }
    case Script::Step::kRetry:
      if (!s.step_error.empty()) return script_finish(p, error_wire(s.step_error, prefix + "could not retry the mirrored write: "));
      s.unrestricted = false;
      s.write_ok.clear();
      s.keys.clear();
      s.keys_sql.clear();
      s.too_many = false;
      s.mirror = 0;
      if (s.savepoint) {
        s.step = Script::Step::kCapture;
        return script_send(s.plan.capture.with("TRUE"));
      }
      s.step = Script::Step::kBegin;
      return script_send("START TRANSACTION");
    case Script::Step::kRollback:
      return script_finish(p, std::move(s.failure));
  }
}

void MySqlSession::script_finish(Pump& p, std::string wire) {
  p.replacement = std::move(wire);
  script_.reset();
  if (!upstream_paused_) return;
  upstream_paused_ = false;
  boost::asio::post(upstream_.get_executor(), [self = shared_from_this()] {
    if (!self->done()) Loop::read(*self, *self->to_upstream_);
  });
}

}  // namespace switchyard::proxy

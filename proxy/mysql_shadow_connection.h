// MySQL / MariaDB's shadow backend (proxy/dialect_backends.h): one libmariadb connection of a
// shadow worker (proxy/shadow.h) over the `control` string (catalog/mysql_schema_loader.h's
// parse_mysql_control: key=value pairs or a mysql:// URI), charset utf8mb4.
//
// Per comparison, in order, as text-protocol queries (COM_QUERY; a MySQL session shadows only
// its COM_QUERY reads, so there are no parameters):
//   SET SESSION sql_mode = ...      only when the read's ANSI_QUOTES / NO_BACKSLASH_ESCAPES /
//                                   PIPES_AS_CONCAT differ from the connection's (the server's
//                                   default sql_mode with those three as the session had them)
//   START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY
//   <first side>; <second side>     rows as text, NULL distinct from ''
//   COMMIT                          (ROLLBACK after an error; the session is closed if that fails)
// The connection runs at REPEATABLE READ (so the snapshot is one for both sides), and each
// statement is bounded by the server: MariaDB's session max_statement_time (seconds) or MySQL's
// max_execution_time (milliseconds, SELECT only), both set once at connect.
//
// Every wait is bounded, through libmariadb's non-blocking API polled in 100 ms slices:
// connecting (kConnectTimeout), each statement (the statement timeout plus a margin, in case the
// server stops answering), and shutdown: once `stopping` is set, a statement in flight gets
// kStopGrace and is then abandoned (its socket shut and the connection closed; MySQL has no
// cancel on the same connection). A client-library error (lost connection, timeout) closes the
// connection; the next comparison connects again, a failed attempt retried after a backoff that
// doubles from 100 ms to 5 s.
//
// Thread: owned and used by one worker thread; `stopping` may be set from any thread.
#pragma once

#include "proxy/reconnect_backoff.h"

#include <mysql.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "proxy/dialect_backends.h"
#include "rewrite/mysql/lexical.h"

namespace switchyard::proxy {

class MySqlShadowConnection final : public ShadowBackend {
 public:
  static constexpr std::chrono::milliseconds kConnectTimeout{5000};
  static constexpr std::chrono::milliseconds kStopGrace{250};

  // `stopping` must outlive the connection. `statement_timeout_ms` 0: no bound.
  MySqlShadowConnection(std::string control, uint32_t statement_timeout_ms, const std::atomic<bool>& stopping);
  ~MySqlShadowConnection() override;
  MySqlShadowConnection(const MySqlShadowConnection&) = delete;
  MySqlShadowConnection& operator=(const MySqlShadowConnection&) = delete;

  ShadowPair read_pair(const ShadowRead& read, bool served_first) override;

  // Connected, or connects now unless the previous attempt failed less than the backoff ago.
  bool ensure(std::string& error);
  // Runs one statement; its rows (if it returns any) into `rows`, `seconds` its latency. On a
  // client-library error the connection is closed; a server error leaves it open.
  bool query(const std::string& sql, ShadowRows* rows, double* seconds, std::string& error);
  // Ends the session (if any): the server rolls back what was open.
  void reset();
  bool connected() const { return conn_ != nullptr; }

 private:
  // Sets the session's sql_mode flags the lexer follows to `want`'s, when they differ.
  bool follow_lexical(const rewrite::mysql::LexicalSettings& want, std::string& error);
  bool connect(std::string& error);
  // Polls until the non-blocking call that returned `status` completes (`cont(ready)` continues
  // it), bounded by `deadline` and by shutdown. False and why in `error`: the connection was
  // abandoned.
  template <typename Cont>
  bool drive(int status, Cont cont, std::chrono::steady_clock::time_point deadline, std::string& error);
  std::chrono::steady_clock::time_point statement_deadline() const;
  // The connection's error as "SQLSTATE (errno): message"; closes it on a client-library error.
  std::string failure();
  // Shuts the socket down and closes the connection without waiting for the server.
  void abandon();

  std::string control_;
  uint32_t statement_timeout_ms_;
  const std::atomic<bool>& stopping_;
  MYSQL* conn_ = nullptr;
  std::string default_sql_mode_;                       // the session's at connect
  rewrite::mysql::LexicalSettings lexical_;           // the flags the session reads with now
  ReconnectBackoff backoff_;
};

}  // namespace switchyard::proxy

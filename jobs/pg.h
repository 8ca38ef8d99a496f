// A thin blocking libpq wrapper for the jobs (backfill, verify, expand, contract): one
// connection, statements with text parameters, and results that carry the SQLSTATE so callers
// can tell a lock timeout or a deadlock (worth a retry) from a real error. Not thread-safe: one
// Db per thread.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace switchyard::jobs {

// A parameter: text, or SQL NULL.
using Param = std::optional<std::string>;

class QueryResult {
 public:
  QueryResult() = default;
  explicit QueryResult(PGresult* r);

  bool ok() const { return ok_; }
  const std::string& sqlstate() const { return sqlstate_; }
  const std::string& error() const { return error_; }  // the primary message, one line
  int rows() const;
  int columns() const;
  bool is_null(int row, int col) const;
  std::string value(int row, int col) const;  // "" for NULL
  long long number(int row, int col) const;   // 0 for NULL or not a number
  long long affected() const;                 // rows an INSERT/UPDATE/DELETE touched
  // A result column's type OID and modifier (from a row description, e.g. PQdescribePrepared).
  unsigned column_type(int col) const { return PQftype(r_.get(), col); }
  int column_modifier(int col) const { return PQfmod(r_.get(), col); }

 private:
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  std::unique_ptr<PGresult, Clear> r_;
  bool ok_ = false;
  std::string sqlstate_, error_;
};

class Db {
 public:
  // Connects with `conninfo` (the config's `control`), naming the session `application_name`
  // so it shows in pg_stat_activity. Null and why in `error` on failure.
  static std::unique_ptr<Db> connect(const std::string& conninfo, const std::string& application_name, std::string& error);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  QueryResult exec(const std::string& sql, const std::vector<Param>& params = {});
  // Runs `sql` (no parameters; may hold several statements) and returns the last result.
  QueryResult exec_script(const std::string& sql);
  PGconn* raw() { return conn_; }

 private:
  explicit Db(PGconn* c) : conn_(c) {}
  PGconn* conn_;
};

// SQLSTATEs a job retries: lock_not_available (lock_timeout), deadlock_detected,
// serialization_failure.
bool is_retryable(const std::string& sqlstate);

}  // namespace switchyard::jobs

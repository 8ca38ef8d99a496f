// One blocking MariaDB Connector/C connection over the `control` string (mysql_schema_loader.h's
// MysqlControl): opening it with time limits and utf8mb4, running a statement and keeping its
// rows as text, and escaping a value as a string literal. Shared by the schema loader and the
// MySQL data jobs (jobs/mysql_db.h). Not thread-safe: one connection per thread.
#pragma once

#include <mysql.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "catalog/mysql_schema_loader.h"

namespace switchyard::catalog {

struct MysqlCloser {
  void operator()(MYSQL* c) const { mysql_close(c); }
};
using MysqlConn = std::unique_ptr<MYSQL, MysqlCloser>;
using MysqlRow = std::vector<std::optional<std::string>>;  // nullopt: SQL NULL

// Connects (10 s to connect, `io_timeout_seconds` per read or write). Null and the client
// library's message in `error` on failure.
MysqlConn connect_mysql(const MysqlControl& control, unsigned io_timeout_seconds, std::string& error);

struct MysqlResult {
  bool ok = false;
  unsigned code = 0;   // the server's error number (1213 deadlock, 1205 lock wait timeout); 0 when ok
  std::string error;   // the server's message
  std::vector<MysqlRow> rows;  // none for a statement without a result set
  unsigned long long affected = 0;  // rows an UPDATE changed (not merely matched)
};

// Runs one statement and stores its whole result.
MysqlResult mysql_exec(MYSQL* c, const std::string& sql);

// `s` as a quoted string literal, escaped for this connection's character set and sql_mode.
std::string mysql_literal(MYSQL* c, const std::string& s);

}  // namespace switchyard::catalog
